//! HTTPS trusts the operating system's certificate store: a server whose
//! certificate comes from a company CA (here a test CA made on the spot) is
//! refused with `tls_untrusted` until that CA is in the store the assistant
//! reads, here through `SSL_CERT_FILE` as on Linux.
//!
//! One test in its own binary: it changes the process environment.

use std::sync::Arc;

use c1_setup_core::browser::OpenBrowser;
use c1_setup_core::login::{self, CancelToken, LoginConfig};
use c1_setup_core::{AppError, ErrorKind, Secret};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

struct NoBrowser;

impl OpenBrowser for NoBrowser {
    fn open(&self, _url: &str) -> Result<(), AppError> {
        panic!("the login must stop at discovery");
    }
}

/// A test CA, and an HTTPS server on 127.0.0.1 with a certificate it issued
/// that answers every request with 404. Returns the CA's PEM and the port.
async fn https_server_with_test_ca() -> (String, u16) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Example Corp TLS Inspection CA");
    let ca_key = KeyPair::generate().expect("CA key");
    let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
    let leaf_key = KeyPair::generate().expect("server key");
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("server params")
        .signed_by(&leaf_key, &ca, &ca_key)
        .expect("server certificate");

    let config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut request = [0_u8; 4096];
                let _ = tls.read(&mut request).await;
                let _ = tls
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    )
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (ca.pem(), port)
}

async fn discover(issuer: &str) -> AppError {
    let config = LoginConfig::new(issuer, "client", 0);
    login::verify(
        &config,
        &Secret::from("not-used-secret-0123"),
        &NoBrowser,
        &|_| {},
        &CancelToken::new(),
    )
    .await
    .expect_err("no provider there")
}

#[tokio::test]
async fn a_company_ca_is_refused_until_the_system_trusts_it() {
    let (ca_pem, port) = https_server_with_test_ca().await;
    let issuer = format!("https://127.0.0.1:{port}/");

    let refused = discover(&issuer).await;
    assert_eq!(refused.kind, ErrorKind::TlsUntrusted, "{refused:?}");
    assert!(refused.message.contains(&issuer), "{}", refused.message);
    assert!(refused.fix.contains("trust store"), "{}", refused.fix);

    let dir = tempfile::tempdir().expect("temporary folder");
    let bundle = dir.path().join("company-ca.pem");
    std::fs::write(&bundle, ca_pem).expect("CA written");
    // The variable through which OpenSSL (Linux's TLS library) reads the
    // system trust store.
    std::env::set_var("SSL_CERT_FILE", &bundle);
    let accepted = discover(&issuer).await;
    std::env::remove_var("SSL_CERT_FILE");
    // The TLS connection is accepted; the 404 is the server's answer.
    assert_eq!(accepted.kind, ErrorKind::DiscoveryInvalid, "{accepted:?}");
    assert!(accepted.message.contains("404"), "{}", accepted.message);
}
