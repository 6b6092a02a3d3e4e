//! The loopback listener: bound to `127.0.0.1:<port>` only, it answers the
//! short start address with a redirect to the provider and hands the first
//! `/callback` carrying `code` or `error` to the login, whose final outcome
//! becomes that browser tab's page. It stops accepting when dropped.

use std::io::ErrorKind as IoErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use super::callback::{
    head_end, parse_request, CallbackParams, Rejection, Route, MAX_REQUEST_BYTES,
};
use super::{diagnosis, pages};
use crate::error::AppError;

/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the deciding tab waits for the outcome page.
const OUTCOME_WAIT: Duration = Duration::from_secs(120);

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
    /// [`Server::next_callback`] is awaited.
    pub fn serve(self, authorization_url: String) -> Server {
        let (sender, receiver) = mpsc::channel(1);
        Server {
            listener: self.listener,
            port: self.port,
            authorization_url: authorization_url.into(),
            decided: Arc::new(AtomicBool::new(false)),
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
    decided: Arc<AtomicBool>,
    sender: mpsc::Sender<Pending>,
    receiver: mpsc::Receiver<Pending>,
}

impl Server {
    /// Accepts and answers connections until the deciding callback arrives.
    pub async fn next_callback(&mut self) -> Option<Pending> {
        loop {
            tokio::select! {
                pending = self.receiver.recv() => return pending,
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _peer)) => {
                        let connection = Connection {
                            port: self.port,
                            authorization_url: Arc::clone(&self.authorization_url),
                            decided: Arc::clone(&self.decided),
                            sender: self.sender.clone(),
                        };
                        tokio::spawn(connection.handle(stream));
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
    decided: Arc<AtomicBool>,
    sender: mpsc::Sender<Pending>,
}

impl Connection {
    async fn handle(self, mut stream: TcpStream) {
        let page = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
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

/// Reads until the blank line that ends the request head.
async fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, Rejection> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 2048];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| Rejection::Malformed(e.to_string()))?;
        if n == 0 {
            return Err(Rejection::Malformed("the connection closed early".into()));
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = head_end(&buffer) {
            buffer.truncate(end);
            return if end > MAX_REQUEST_BYTES {
                Err(Rejection::TooLarge)
            } else {
                Ok(buffer)
            };
        }
        if buffer.len() > MAX_REQUEST_BYTES {
            return Err(Rejection::TooLarge);
        }
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
        let mut server = listener.serve("https://idp.example/auth?x=1".into());
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
        let mut server = listener.serve("https://idp.example/auth".into());
        let tab = tokio::spawn(async move {
            raw_request(port, &get(port, "/callback?error=x&state=s")).await
        });
        drop(server.next_callback().await.expect("callback"));
        assert!(tab.await.expect("tab").contains("stopped waiting"));
    }

    #[tokio::test]
    async fn a_taken_port_is_port_in_use() {
        let taken = Listener::bind(0).await.expect("bind");
        let err = Listener::bind(taken.port()).await.expect_err("in use");
        assert_eq!(err.kind, ErrorKind::PortInUse);
        assert!(err.message.contains(&taken.port().to_string()));
    }
}
