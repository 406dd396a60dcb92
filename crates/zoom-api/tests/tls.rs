//! HTTPS goes through rustls, checked against the system's roots: a server whose certificate they
//! do not vouch for is refused before a request is sent. The same server, its certificate
//! trusted, answers, so the refusal is the certificate's and not a broken server's. The client
//! for the built-in service (plain HTTP, no roots at all) refuses it too.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use zoom_api::ClientConfig;

/// An HTTPS server on loopback for `localhost`, with a certificate no one issued, that answers
/// every request with "ok". Returns its port and its certificate.
fn untrusted_https_server() -> (u16, CertificateDer<'static>) {
    zoom_api::install_tls_provider();
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let der = cert.der().clone();
    let key = PrivatePkcs8KeyDer::from(signing_key.serialize_der()).into();
    let config = Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![der.clone()], key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let connection = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(connection, tcp);
                let (mut request, mut buf) = (Vec::new(), [0; 1024]);
                // Up to the end of the headers; a refused handshake ends here, in an error.
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tls.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
                let _ = tls.flush();
            });
        }
    });
    (port, der)
}

/// The error and every error under it, as one line.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        text.push_str(&format!(": {e}"));
        source = e.source();
    }
    text
}

/// Why the app's client for `config` fails to GET `url`; the test fails if it succeeds.
async fn refusal(config: &ClientConfig, url: &str) -> String {
    let sent = config.http_client().unwrap().get(url).send().await;
    chain(&sent.expect_err("refused before anything is sent"))
}

#[tokio::test]
async fn https_to_a_server_the_system_does_not_trust_is_refused() {
    let (port, cert) = untrusted_https_server();
    let base = format!("https://localhost:{port}/");
    let url = format!("{base}v2/users/me");

    let zoom_like = ClientConfig::with_bases(&format!("{base}v2/"), &base).unwrap();
    let why = refusal(&zoom_like, &url).await;
    assert!(
        why.contains("certificate"),
        "refused for another reason: {why}"
    );

    // The built-in service's client holds no roots: HTTPS cannot pass there either.
    let local = ClientConfig::local("http://127.0.0.1:1").unwrap();
    let why = refusal(&local, &url).await;
    assert!(
        why.contains("certificate"),
        "refused for another reason: {why}"
    );

    // The same server, its certificate trusted: it answers.
    let trusting = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_der(&cert).unwrap()])
        .build()
        .unwrap();
    let answer = trusting.get(&url).send().await.unwrap();
    assert_eq!(answer.text().await.unwrap(), "ok");
}
