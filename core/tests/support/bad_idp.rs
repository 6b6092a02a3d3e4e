//! A small OpenID provider that misbehaves on purpose, for the checks a real
//! provider never fails: hand-written HTTP/1.1 on a tokio listener, fixed
//! test keys (RSA and Ed25519), and one [`Behaviour`] per test.
//!
//! `/authorize` does not show a login page: it redirects straight back to
//! the client's redirect URI, as JumpCloud does for an admin who is already
//! signed in.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use openidconnect::core::{
    CoreEdDsaPrivateSigningKey, CoreHmacKey, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
};
use openidconnect::{JsonWebKeyId, PkceCodeChallenge, PkceCodeVerifier, PrivateSigningKey};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use url::Url;

pub const CLIENT_ID: &str = "bad-idp-client";
pub const CLIENT_SECRET: &str = "bad-idp-secret-71c2e0";
pub const SUBJECT: &str = "user-1";
pub const EMAIL: &str = "admin@example.com";
const CODE: &str = "the-one-code";
const ACCESS_TOKEN: &str = "opaque-access-token-value";

const RSA_1: &str = include_str!("keys/rsa-1.pem");
const RSA_2: &str = include_str!("keys/rsa-2.pem");
const ED25519_1: &str = include_str!("keys/ed25519-1.pem");

/// How `/authorize` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CallbackMode {
    /// `code`, the right `state`, and `iss` when advertised.
    #[default]
    Normal,
    WrongState,
    WrongIss,
    /// No `iss`, although discovery may advertise it.
    NoIss,
    /// `error=<error>&error_description=<description>`.
    Error(String, String),
}

/// How `/token` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TokenMode {
    /// Client Secret POST accepted.
    #[default]
    Normal,
    /// The client is registered for Client Secret Basic: POST credentials
    /// get `invalid_client`, as JumpCloud answers.
    BasicOnly,
    /// An HTML page with status 200.
    Garbage,
}

/// The ID token the token endpoint returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum IdTokenMode {
    /// RS256 with key `rsa-1`.
    #[default]
    Good,
    /// EdDSA with the Ed25519 key.
    GoodEdDsa,
    /// Claims `kid: rsa-1` but signed with `rsa-2`.
    BadSignature,
    WrongAud,
    /// Two audiences and no `azp`.
    ManyAudNoAzp,
    WrongIss,
    Expired,
    MissingSub,
    MissingIat,
    WrongNonce,
    AlgNone,
    /// HS256 keyed with the client secret.
    Hs256,
    /// Signed with `rsa-2`, which the key set only lists from its second fetch on.
    RotatedKey,
    /// Signed with a `kid` the key set never lists.
    UnknownKid,
}

/// How `/userinfo` answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UserinfoMode {
    /// The same subject, with the email.
    #[default]
    Normal,
    /// The same subject, no email.
    NoEmail,
    /// Another subject.
    OtherSub,
}

#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// The issuer the discovery document claims (default: the real one).
    pub discovery_issuer: Option<String>,
    /// `token_endpoint_auth_methods_supported` (default: POST and Basic).
    pub auth_methods: Option<Vec<String>>,
    /// RFC 9207 `authorization_response_iss_parameter_supported`.
    pub advertise_iss: bool,
    pub callback: CallbackMode,
    pub token: TokenMode,
    pub id_token: IdTokenMode,
    /// The ID token carries no email.
    pub id_token_without_email: bool,
    pub userinfo: UserinfoMode,
}

/// Request counters, to assert what was (not) called.
#[derive(Debug, Default)]
pub struct Calls {
    pub discovery: AtomicUsize,
    pub authorize: AtomicUsize,
    pub token: AtomicUsize,
    pub jwks: AtomicUsize,
    pub userinfo: AtomicUsize,
}

impl Calls {
    pub fn count(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Clone, Default)]
struct AuthParams {
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
}

struct Shared {
    issuer: String,
    behaviour: Behaviour,
    calls: Arc<Calls>,
    auth: Mutex<Option<AuthParams>>,
    rsa_1: CoreRsaPrivateSigningKey,
    rsa_2: CoreRsaPrivateSigningKey,
    ed25519: CoreEdDsaPrivateSigningKey,
}

/// A running misbehaving provider; stops when dropped.
pub struct BadIdp {
    pub issuer: String,
    pub calls: Arc<Calls>,
    task: JoinHandle<()>,
}

impl Drop for BadIdp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl BadIdp {
    pub async fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let issuer = format!("http://127.0.0.1:{port}/");
        let calls = Arc::new(Calls::default());
        let shared = Arc::new(Shared {
            issuer: issuer.clone(),
            behaviour,
            calls: Arc::clone(&calls),
            auth: Mutex::new(None),
            rsa_1: CoreRsaPrivateSigningKey::from_pem(
                RSA_1,
                Some(JsonWebKeyId::new("rsa-1".into())),
            )
            .expect("rsa-1"),
            rsa_2: CoreRsaPrivateSigningKey::from_pem(
                RSA_2,
                Some(JsonWebKeyId::new("rsa-2".into())),
            )
            .expect("rsa-2"),
            ed25519: CoreEdDsaPrivateSigningKey::from_ed25519_pem(
                ED25519_1,
                Some(JsonWebKeyId::new("ed-1".into())),
            )
            .expect("ed25519"),
        });
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(Arc::clone(&shared), stream));
            }
        });
        Self {
            issuer,
            calls,
            task,
        }
    }
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let url = Url::parse(&format!("http://x{target}")).ok()?;
    Some(Request {
        method,
        path: url.path().to_owned(),
        query: url.query_pairs().into_owned().collect(),
        headers,
        body,
    })
}

struct Response {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn json_response(status: u16, value: &Value) -> Response {
    Response {
        status,
        content_type: "application/json",
        headers: Vec::new(),
        body: value.to_string(),
    }
}

async fn serve(shared: Arc<Shared>, mut stream: TcpStream) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let response = route(&shared, &request);
    let mut text = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    for (name, value) in &response.headers {
        text.push_str(name);
        text.push_str(": ");
        text.push_str(value);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.push_str(&response.body);
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn route(shared: &Shared, request: &Request) -> Response {
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/.well-known/openid-configuration") => discovery(shared),
        ("GET", "/jwks") => jwks(shared),
        ("GET", "/authorize") => authorize(shared, request),
        ("POST", "/token") => token(shared, request),
        ("GET", "/userinfo") => userinfo(shared, request),
        _ => json_response(404, &json!({"error": "not_found"})),
    }
}

fn discovery(shared: &Shared) -> Response {
    shared.calls.discovery.fetch_add(1, Ordering::SeqCst);
    let b = &shared.behaviour;
    let base = shared.issuer.trim_end_matches('/');
    let methods = b
        .auth_methods
        .clone()
        .unwrap_or_else(|| vec!["client_secret_post".into(), "client_secret_basic".into()]);
    json_response(
        200,
        &json!({
            "issuer": b.discovery_issuer.clone().unwrap_or_else(|| shared.issuer.clone()),
            "authorization_endpoint": format!("{base}/authorize"),
            "token_endpoint": format!("{base}/token"),
            "jwks_uri": format!("{base}/jwks"),
            "userinfo_endpoint": format!("{base}/userinfo"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "EdDSA"],
            "token_endpoint_auth_methods_supported": methods,
            "authorization_response_iss_parameter_supported": b.advertise_iss,
        }),
    )
}

fn jwks(shared: &Shared) -> Response {
    let fetch = shared.calls.jwks.fetch_add(1, Ordering::SeqCst);
    let mut keys = vec![
        serde_json::to_value(shared.rsa_1.as_verification_key()).expect("jwk"),
        serde_json::to_value(shared.ed25519.as_verification_key()).expect("jwk"),
        // A symmetric key must never be used to verify anything.
        json!({"kty": "oct", "kid": "hmac", "k": URL_SAFE_NO_PAD.encode(CLIENT_SECRET)}),
    ];
    if fetch > 0 || shared.behaviour.id_token != IdTokenMode::RotatedKey {
        keys.push(serde_json::to_value(shared.rsa_2.as_verification_key()).expect("jwk"));
    }
    json_response(200, &json!({ "keys": keys }))
}

fn authorize(shared: &Shared, request: &Request) -> Response {
    shared.calls.authorize.fetch_add(1, Ordering::SeqCst);
    let q = |k: &str| request.query.get(k).cloned().unwrap_or_default();
    let params = AuthParams {
        redirect_uri: q("redirect_uri"),
        state: q("state"),
        nonce: q("nonce"),
        code_challenge: q("code_challenge"),
    };
    let b = &shared.behaviour;
    let mut back = Url::parse(&params.redirect_uri).expect("redirect_uri");
    {
        let mut pairs = back.query_pairs_mut();
        match &b.callback {
            CallbackMode::Error(error, description) => {
                pairs
                    .append_pair("error", error)
                    .append_pair("error_description", description);
            }
            _ => {
                pairs.append_pair("code", CODE);
            }
        }
        let state = if b.callback == CallbackMode::WrongState {
            "forged-state-value"
        } else {
            &params.state
        };
        pairs.append_pair("state", state);
        match &b.callback {
            CallbackMode::WrongIss => {
                pairs.append_pair("iss", "https://attacker.example/");
            }
            CallbackMode::NoIss => {}
            _ if b.advertise_iss => {
                pairs.append_pair("iss", &shared.issuer);
            }
            _ => {}
        }
    }
    *shared.auth.lock().expect("auth") = Some(params);
    Response {
        status: 302,
        content_type: "text/html",
        headers: vec![("Location", back.to_string())],
        body: String::new(),
    }
}

fn invalid_client() -> Response {
    json_response(
        401,
        &json!({
            "error": "invalid_client",
            "error_description": "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).",
        }),
    )
}

fn token(shared: &Shared, request: &Request) -> Response {
    shared.calls.token.fetch_add(1, Ordering::SeqCst);
    let form: HashMap<String, String> = url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect();
    let f = |k: &str| form.get(k).cloned().unwrap_or_default();
    let b = &shared.behaviour;
    match b.token {
        TokenMode::Garbage => {
            return Response {
                status: 200,
                content_type: "text/html",
                headers: Vec::new(),
                body: "<html><body>Service temporarily unavailable</body></html>".into(),
            }
        }
        TokenMode::BasicOnly => {
            let expected = format!(
                "Basic {}",
                STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
            );
            if request.headers.get("authorization") != Some(&expected) {
                return invalid_client();
            }
        }
        TokenMode::Normal => {
            if f("client_id") != CLIENT_ID || f("client_secret") != CLIENT_SECRET {
                return invalid_client();
            }
        }
    }
    let Some(auth) = shared.auth.lock().expect("auth").clone() else {
        return json_response(400, &json!({"error": "invalid_grant"}));
    };
    let verifier = PkceCodeVerifier::new(f("code_verifier"));
    let pkce_ok =
        PkceCodeChallenge::from_code_verifier_sha256(&verifier).as_str() == auth.code_challenge;
    if f("grant_type") != "authorization_code"
        || f("code") != CODE
        || f("redirect_uri") != auth.redirect_uri
        || !pkce_ok
    {
        return json_response(
            400,
            &json!({"error": "invalid_grant", "error_description": "code, redirect_uri or PKCE verifier wrong"}),
        );
    }
    json_response(
        200,
        &json!({
            "access_token": ACCESS_TOKEN,
            "token_type": "bearer",
            "expires_in": 3600,
            "scope": "openid email profile",
            "id_token": id_token(shared, &auth.nonce),
        }),
    )
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn id_token(shared: &Shared, nonce: &str) -> String {
    let b = &shared.behaviour;
    let mut claims = json!({
        "iss": shared.issuer,
        "aud": [CLIENT_ID],
        "exp": now() + 600,
        "iat": now(),
        "nonce": nonce,
        "sub": SUBJECT,
        "email": EMAIL,
        "email_verified": true,
        "memberOf": ["it-admins", "everyone"],
    });
    let obj = claims.as_object_mut().expect("object");
    if b.id_token_without_email {
        obj.remove("email");
        obj.remove("email_verified");
    }
    let rs256 = CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256;
    let (alg, kid, key): (&str, &str, &dyn Signer) = match b.id_token {
        IdTokenMode::GoodEdDsa => ("EdDSA", "ed-1", &shared.ed25519),
        IdTokenMode::BadSignature => ("RS256", "rsa-1", &shared.rsa_2),
        IdTokenMode::RotatedKey => ("RS256", "rsa-2", &shared.rsa_2),
        IdTokenMode::UnknownKid => ("RS256", "rsa-9", &shared.rsa_1),
        IdTokenMode::AlgNone => ("none", "", &Unsigned),
        IdTokenMode::Hs256 => ("HS256", "hmac", &Hmac),
        _ => ("RS256", "rsa-1", &shared.rsa_1),
    };
    match b.id_token {
        IdTokenMode::WrongAud => {
            obj.insert("aud".into(), json!(["someone-else"]));
        }
        IdTokenMode::ManyAudNoAzp => {
            obj.insert("aud".into(), json!([CLIENT_ID, "another-app"]));
        }
        IdTokenMode::WrongIss => {
            obj.insert("iss".into(), json!("https://attacker.example/"));
        }
        IdTokenMode::Expired => {
            obj.insert("exp".into(), json!(now() - 3600));
            obj.insert("iat".into(), json!(now() - 7200));
        }
        IdTokenMode::MissingSub => {
            obj.remove("sub");
        }
        IdTokenMode::MissingIat => {
            obj.remove("iat");
        }
        IdTokenMode::WrongNonce => {
            obj.insert("nonce".into(), json!("another-nonce"));
        }
        _ => {}
    }
    let mut header = json!({ "alg": alg, "typ": "JWT" });
    if !kid.is_empty() {
        header["kid"] = json!(kid);
    }
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = key.sign_jws(&rs256, input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The signing keys behind one interface.
trait Signer {
    fn sign_jws(&self, rs256: &CoreJwsSigningAlgorithm, input: &[u8]) -> Vec<u8>;
}

impl Signer for CoreRsaPrivateSigningKey {
    fn sign_jws(&self, rs256: &CoreJwsSigningAlgorithm, input: &[u8]) -> Vec<u8> {
        self.sign(rs256, input).expect("RSA signing")
    }
}

impl Signer for CoreEdDsaPrivateSigningKey {
    fn sign_jws(&self, _: &CoreJwsSigningAlgorithm, input: &[u8]) -> Vec<u8> {
        self.sign(&CoreJwsSigningAlgorithm::EdDsa, input)
            .expect("EdDSA signing")
    }
}

struct Unsigned;

impl Signer for Unsigned {
    fn sign_jws(&self, _: &CoreJwsSigningAlgorithm, _: &[u8]) -> Vec<u8> {
        Vec::new()
    }
}

struct Hmac;

impl Signer for Hmac {
    fn sign_jws(&self, _: &CoreJwsSigningAlgorithm, input: &[u8]) -> Vec<u8> {
        CoreHmacKey::new(CLIENT_SECRET.as_bytes())
            .sign(&CoreJwsSigningAlgorithm::HmacSha256, input)
            .expect("HMAC signing")
    }
}

fn userinfo(shared: &Shared, request: &Request) -> Response {
    shared.calls.userinfo.fetch_add(1, Ordering::SeqCst);
    if request.headers.get("authorization").map(String::as_str)
        != Some(&format!("Bearer {ACCESS_TOKEN}"))
    {
        return json_response(401, &json!({"error": "invalid_token"}));
    }
    let body = match shared.behaviour.userinfo {
        UserinfoMode::Normal => json!({"sub": SUBJECT, "email": EMAIL, "email_verified": true}),
        UserinfoMode::NoEmail => json!({"sub": SUBJECT}),
        UserinfoMode::OtherSub => json!({"sub": "someone-else", "email": "other@example.com"}),
    };
    json_response(200, &body)
}
