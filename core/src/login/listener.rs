//! The loopback listener: bound to `127.0.0.1:<port>` only, it answers the
//! short start address with a redirect to the provider and hands the first
//! `/callback` carrying `code` or `error` *and this login's `state`* to the
//! login, whose final outcome becomes that browser tab's page. Any local
//! process or web page can reach the port, so a callback with another state
//! gets a 400 page and the wait goes on, and the number of open connections
//! is capped (the oldest still-silent one makes room for a new one). It stops
//! accepting when dropped.

use std::collections::VecDeque;
use std::io::ErrorKind as IoErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use super::callback::{
    parse_request, state_matches, CallbackParams, Rejection, Route, MAX_REQUEST_BYTES,
    MAX_REQUEST_WITH_COOKIES_BYTES,
};
use super::{diagnosis, pages};
use crate::error::AppError;

/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the deciding tab waits for the outcome page.
const OUTCOME_WAIT: Duration = Duration::from_secs(120);
/// The most connections open at once. A browser opens a few; beyond this the
/// oldest connection that has not sent its request yet is closed.
pub const MAX_CONNECTIONS: usize = 32;

/// A bound listener, not yet serving.
#[derive(Debug)]
pub struct Listener {
    listener: TcpListener,
    port: u16,
}

impl Listener {
    /// Binds `127.0.0.1:<port>`. A port that is taken or reserved is
    /// `port_in_use`. Port 0 picks a free port (tests).
    pub async fn bind(port: u16) -> Result<Self, AppError> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = TcpListener::bind(addr).await.map_err(|e| match e.kind() {
            IoErrorKind::AddrInUse
            | IoErrorKind::PermissionDenied
            | IoErrorKind::AddrNotAvailable => diagnosis::port_in_use(port, &e.to_string()),
            _ => AppError::internal(format!(
                "The assistant could not listen on 127.0.0.1:{port}: {e}."
            )),
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| AppError::internal(format!("The listener has no address: {e}.")))?
            .port();
        Ok(Self { listener, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The short address the browser is opened at.
    pub fn start_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// Starts answering requests. Connections are accepted while
    /// [`Server::next_callback`] is awaited; only a callback carrying `state`
    /// can decide the login.
    pub fn serve(self, authorization_url: String, state: String) -> Server {
        let (sender, receiver) = mpsc::channel(1);
        Server {
            listener: self.listener,
            port: self.port,
            authorization_url: authorization_url.into(),
            state: state.into(),
            decided: Arc::new(AtomicBool::new(false)),
            foreign: Arc::new(AtomicUsize::new(0)),
            open: VecDeque::new(),
            sender,
            receiver,
        }
    }
}

/// A serving listener. It owns the socket: dropping it stops listening at
/// once. Requests already accepted are still answered.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    port: u16,
    authorization_url: Arc<str>,
    state: Arc<str>,
    decided: Arc<AtomicBool>,
    /// Callbacks refused because their state was not this login's.
    foreign: Arc<AtomicUsize>,
    /// The connections being served, oldest first.
    open: VecDeque<OpenConnection>,
    sender: mpsc::Sender<Pending>,
    receiver: mpsc::Receiver<Pending>,
}

/// A connection's task, and whether it is still waiting for its request.
#[derive(Debug)]
struct OpenConnection {
    task: tokio::task::AbortHandle,
    silent: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Connections still waiting for a request go with the listener;
        // answered ones finish writing their page.
        for connection in &self.open {
            if connection.silent.load(Ordering::SeqCst) {
                connection.task.abort();
            }
        }
    }
}

impl Server {
    /// How many callbacks were refused because their state was another's.
    pub fn foreign_callbacks(&self) -> usize {
        self.foreign.load(Ordering::SeqCst)
    }

    /// Makes room for one more connection: forgets finished ones and, at the
    /// cap, closes the oldest that has not sent its request yet.
    fn make_room(&mut self) -> bool {
        self.open.retain(|c| !c.task.is_finished());
        if self.open.len() < MAX_CONNECTIONS {
            return true;
        }
        match self
            .open
            .iter()
            .position(|c| c.silent.load(Ordering::SeqCst))
        {
            Some(oldest) => {
                if let Some(evicted) = self.open.remove(oldest) {
                    evicted.task.abort();
                }
                true
            }
            None => false,
        }
    }

    /// Accepts and answers connections until the deciding callback arrives.
    pub async fn next_callback(&mut self) -> Option<Pending> {
        loop {
            tokio::select! {
                pending = self.receiver.recv() => return pending,
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _peer)) => {
                        if !self.make_room() {
                            // Every open connection is being answered: refuse this one.
                            drop(stream);
                            continue;
                        }
                        let silent = Arc::new(AtomicBool::new(true));
                        let connection = Connection {
                            port: self.port,
                            authorization_url: Arc::clone(&self.authorization_url),
                            state: Arc::clone(&self.state),
                            decided: Arc::clone(&self.decided),
                            foreign: Arc::clone(&self.foreign),
                            silent: Arc::clone(&silent),
                            sender: self.sender.clone(),
                        };
                        let task = tokio::spawn(connection.handle(stream)).abort_handle();
                        self.open.push_back(OpenConnection { task, silent });
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little and go on.
                        tracing::warn!("loopback listener accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
            }
        }
    }
}

/// The deciding callback, whose tab waits for the outcome page.
#[derive(Debug)]
pub struct Pending {
    pub params: CallbackParams,
    responder: oneshot::Sender<pages::Page>,
}

impl Pending {
    /// Splits into the parameters and a handle to answer the tab with.
    pub fn into_parts(self) -> (CallbackParams, Responder) {
        (self.params, Responder(self.responder))
    }
}

/// Answers the deciding tab. Dropping it without answering shows the
/// "stopped waiting" page.
#[derive(Debug)]
pub struct Responder(oneshot::Sender<pages::Page>);

impl Responder {
    pub fn respond(self, page: pages::Page) {
        // The tab may be gone already; nothing else to do then.
        let _ = self.0.send(page);
    }
}

struct Connection {
    port: u16,
    authorization_url: Arc<str>,
    state: Arc<str>,
    decided: Arc<AtomicBool>,
    foreign: Arc<AtomicUsize>,
    silent: Arc<AtomicBool>,
    sender: mpsc::Sender<Pending>,
}

impl Connection {
    async fn handle(self, mut stream: TcpStream) {
        let head = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await;
        self.silent.store(false, Ordering::SeqCst);
        let page = match head {
            Ok(Ok(head)) => self.answer(&head).await,
            Ok(Err(Rejection::TooLarge)) => Some(pages::too_large()),
            // Timed out or closed before a full request: nothing to answer.
            Ok(Err(_)) | Err(_) => None,
        };
        if let Some(page) = page {
            let _ = stream.write_all(&page.to_http()).await;
            let _ = stream.shutdown().await;
            linger(&mut stream).await;
        }
    }

    async fn answer(&self, head: &[u8]) -> Option<pages::Page> {
        let page = match parse_request(head, self.port) {
            Ok(Route::Start) => pages::start(&self.authorization_url),
            Ok(Route::NotFound) => pages::not_found(),
            Ok(Route::CallbackIncomplete) => pages::incomplete_callback(),
            Ok(Route::Callback(params)) => return Some(self.decide(params).await),
            Err(Rejection::TooLarge) => pages::too_large(),
            Err(Rejection::WrongHost) => pages::wrong_host(),
            Err(Rejection::MethodNotAllowed) => pages::method_not_allowed(),
            Err(Rejection::Malformed(why)) => pages::bad_request(&why),
            Err(Rejection::DuplicateParameter(name)) => {
                pages::bad_request(&format!("the parameter {name} appears more than once"))
            }
        };
        Some(page)
    }

    async fn decide(&self, params: CallbackParams) -> pages::Page {
        if !state_matches(&params, &self.state) {
            self.foreign.fetch_add(1, Ordering::SeqCst);
            tracing::info!("a callback with another state was refused; still waiting");
            return pages::not_this_sign_in();
        }
        if self.decided.swap(true, Ordering::SeqCst) {
            return pages::already_handled();
        }
        let (responder, outcome) = oneshot::channel();
        if self
            .sender
            .send(Pending { params, responder })
            .await
            .is_err()
        {
            return pages::stopped();
        }
        match tokio::time::timeout(OUTCOME_WAIT, outcome).await {
            Ok(Ok(page)) => page,
            Ok(Err(_)) | Err(_) => pages::stopped(),
        }
    }
}

/// Reads and discards what the client still sends, briefly, so that closing
/// a socket with unread data does not reset the connection before the client
/// has read the answer.
async fn linger(stream: &mut TcpStream) {
    let mut sink = [0_u8; 2048];
    let drain = async {
        let mut total = 0_usize;
        while let Ok(n) = stream.read(&mut sink).await {
            total += n;
            if n == 0 || total > 64 * 1024 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_millis(500), drain).await;
}

/// Reads until the blank line that ends the request head. `Cookie` headers
/// are read past and not kept: the browser sends every cookie set for
/// 127.0.0.1, whatever the port, and none of them matter here.
async fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, Rejection> {
    let mut head = HeadReader::default();
    let mut chunk = [0_u8; 4096];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| Rejection::Malformed(e.to_string()))?;
        if n == 0 {
            return Err(Rejection::Malformed("the connection closed early".into()));
        }
        if head.feed(&chunk[..n])? {
            return Ok(head.kept);
        }
    }
}

/// A request head, line by line, without its `Cookie` lines.
#[derive(Debug, Default)]
struct HeadReader {
    kept: Vec<u8>,
    line: Vec<u8>,
    in_cookie: bool,
    total: usize,
}

impl HeadReader {
    /// Takes the next bytes; true once the head is complete. Bytes after the
    /// blank line are ignored (a GET has no body).
    fn feed(&mut self, bytes: &[u8]) -> Result<bool, Rejection> {
        for &byte in bytes {
            self.total += 1;
            if self.total > MAX_REQUEST_WITH_COOKIES_BYTES {
                return Err(Rejection::TooLarge);
            }
            if self.in_cookie {
                self.in_cookie = byte != b'\n';
                continue;
            }
            self.line.push(byte);
            if !self.kept.is_empty() && self.line.eq_ignore_ascii_case(b"cookie:") {
                self.line.clear();
                self.in_cookie = true;
                continue;
            }
            if byte == b'\n' {
                self.kept.append(&mut self.line);
                if self.kept.ends_with(b"\r\n\r\n") {
                    return Ok(true);
                }
            }
            if self.kept.len() + self.line.len() > MAX_REQUEST_BYTES {
                return Err(Rejection::TooLarge);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    async fn raw_request(port: u16, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        stream.write_all(request).await.expect("write");
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await.expect("read");
        String::from_utf8_lossy(&out).into_owned()
    }

    fn get(port: u16, target: &str) -> Vec<u8> {
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").into_bytes()
    }

    #[tokio::test]
    async fn serves_start_404_host_and_size_checks_then_the_first_callback_decides() {
        let listener = Listener::bind(0).await.expect("bind");
        let port = listener.port();
        assert_eq!(listener.start_url(), format!("http://127.0.0.1:{port}/"));
        let mut server = listener.serve("https://idp.example/auth?x=1".into(), "s".into());
        let waiter = tokio::spawn(async move {
            let pending = server.next_callback().await;
            (server, pending)
        });

        let start = raw_request(port, &get(port, "/")).await;
        assert!(start.starts_with("HTTP/1.1 302 "), "{start}");
        assert!(start.contains("Location: https://idp.example/auth?x=1\r\n"));
        assert!(start.contains("\r\nConnection: close\r\n"));
        assert!(raw_request(port, &get(port, "/favicon.ico"))
            .await
            .starts_with("HTTP/1.1 404 "));
        let wrong_host = b"GET /callback?code=a&state=b HTTP/1.1\r\nHost: localhost\r\n\r\n";
        assert!(raw_request(port, wrong_host)
            .await
            .starts_with("HTTP/1.1 421 "));
        let huge = format!(
            "GET /callback?code={} HTTP/1.1\r\n",
            "a".repeat(MAX_REQUEST_BYTES)
        );
        assert!(raw_request(port, huge.as_bytes())
            .await
            .starts_with("HTTP/1.1 431 "));
        let dup = raw_request(port, &get(port, "/callback?code=a&code=b&state=s")).await;
        assert!(dup.starts_with("HTTP/1.1 400 "));

        let first = tokio::spawn(async move {
            raw_request(port, &get(port, "/callback?code=c1&state=s")).await
        });
        let (mut server, pending) = waiter.await.expect("waiter");
        let (params, responder) = pending.expect("a callback").into_parts();
        assert_eq!(params.code.as_deref(), Some("c1"));
        // A second callback while the first is being checked is not taken.
        let second = tokio::spawn(async move {
            raw_request(port, &get(port, "/callback?code=c2&state=s")).await
        });
        let serve_more =
            tokio::time::timeout(Duration::from_millis(500), server.next_callback()).await;
        assert!(serve_more.is_err(), "no second decision");
        let second = second.await.expect("second tab");
        assert!(second.starts_with("HTTP/1.1 409 "), "{second}");
        responder.respond(pages::verified("admin@example.com"));
        let first = first.await.expect("first tab");
        assert!(first.starts_with("HTTP/1.1 200 ") && first.contains("admin@example.com"));

        drop(server);
        assert!(
            TcpStream::connect(("127.0.0.1", port)).await.is_err(),
            "closed as soon as dropped"
        );
    }

    #[tokio::test]
    async fn a_dropped_responder_shows_the_stopped_page() {
        let listener = Listener::bind(0).await.expect("bind");
        let port = listener.port();
        let mut server = listener.serve("https://idp.example/auth".into(), "s".into());
        let tab = tokio::spawn(async move {
            raw_request(port, &get(port, "/callback?error=x&state=s")).await
        });
        drop(server.next_callback().await.expect("callback"));
        assert!(tab.await.expect("tab").contains("stopped waiting"));
    }

    #[tokio::test]
    async fn another_state_gets_a_400_and_the_wait_goes_on() {
        let listener = Listener::bind(0).await.expect("bind");
        let port = listener.port();
        let mut server = listener.serve("https://idp.example/auth".into(), "right".into());
        let tabs = tokio::spawn(async move {
            let forged = raw_request(port, &get(port, "/callback?code=x&state=wrong")).await;
            let stateless = raw_request(port, &get(port, "/callback?error=access_denied")).await;
            let real = raw_request(port, &get(port, "/callback?code=real&state=right")).await;
            (forged, stateless, real)
        });
        let (params, responder) = server
            .next_callback()
            .await
            .expect("a callback")
            .into_parts();
        assert_eq!(params.code.as_deref(), Some("real"));
        assert_eq!(server.foreign_callbacks(), 2);
        responder.respond(pages::verified("admin@example.com"));
        let (forged, stateless, real) = tabs.await.expect("tabs");
        assert!(forged.starts_with("HTTP/1.1 400 "), "{forged}");
        assert!(forged.contains("Not the sign-in the assistant is waiting for"));
        assert!(stateless.starts_with("HTTP/1.1 400 "), "{stateless}");
        assert!(real.starts_with("HTTP/1.1 200 "), "{real}");
    }

    #[tokio::test]
    async fn large_cookies_are_skipped_and_non_utf8_headers_get_a_400() {
        let listener = Listener::bind(0).await.expect("bind");
        let port = listener.port();
        let mut server = listener.serve("https://idp.example/auth".into(), "s".into());
        let tabs = tokio::spawn(async move {
            let mut latin1 =
                format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Name: ").into_bytes();
            latin1.extend_from_slice(b"caf\xe9\r\n\r\n");
            let latin1 = raw_request(port, &latin1).await;
            let cookies = "a=b; ".repeat(20 * 1024);
            let request = format!(
                "GET /callback?code=c&state=s HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
                 Cookie: {cookies}\r\ncookie: {cookies}\r\nAccept: */*\r\n\r\n"
            );
            (latin1, raw_request(port, request.as_bytes()).await)
        });
        let (params, responder) =
            tokio::time::timeout(Duration::from_secs(5), server.next_callback())
                .await
                .expect("the real callback arrives")
                .expect("a callback")
                .into_parts();
        assert_eq!(params.code.as_deref(), Some("c"));
        responder.respond(pages::verified("admin@example.com"));
        let (latin1, real) = tabs.await.expect("tabs");
        assert!(latin1.starts_with("HTTP/1.1 400 "), "{latin1}");
        assert!(real.starts_with("HTTP/1.1 200 "), "{real}");
    }

    #[test]
    fn the_head_reader_keeps_everything_but_cookies() {
        let mut head = HeadReader::default();
        let request = b"GET / HTTP/1.1\r\nCookie: a=b\r\nHost: x\r\ncookie:c\r\n\r\nrest";
        // Byte by byte, as a slow client sends it.
        let done: Vec<bool> = request
            .iter()
            .map(|b| head.feed(std::slice::from_ref(b)).expect("fits"))
            .collect();
        assert!(done.contains(&true));
        assert_eq!(head.kept, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        let mut huge = HeadReader::default();
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(MAX_REQUEST_BYTES));
        assert_eq!(huge.feed(long.as_bytes()), Err(Rejection::TooLarge));
    }

    #[tokio::test]
    async fn a_taken_port_is_port_in_use() {
        let taken = Listener::bind(0).await.expect("bind");
        let err = Listener::bind(taken.port()).await.expect_err("in use");
        assert_eq!(err.kind, ErrorKind::PortInUse);
        assert!(err.message.contains(&taken.port().to_string()));
    }
}
