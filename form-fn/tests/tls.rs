//! The AWS SDK's calls go over the service's own HTTPS client (`src/https.rs`), as they do in
//! AWS: through a TLS front whose certificate a trusted authority signed, the store takes and
//! gives back an item; through one whose certificate an unknown authority signed, the call fails
//! and nothing is stored. The trusted authority is the only root (`SSL_CERT_FILE`, which the
//! client's root loading honours), so this runs the same on any machine.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use form_fn::local::LocalStore;
use form_fn::table::{self, PK, SK};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A certificate authority: its certificate (PEM) and what signs with it.
struct Authority {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn authority() -> Authority {
    let mut params = CertificateParams::new(Vec::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    Authority {
        pem,
        issuer: Issuer::new(params, key),
    }
}

/// A server's TLS settings for `localhost`, its certificate signed by `ca`.
fn server_tls(ca: &Authority) -> ServerConfig {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca.issuer)
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(cert.der().to_vec())], key)
        .unwrap()
}

/// A TLS front on a loopback port that passes each connection on to `backend` (`host:port`).
async fn tls_front(tls: ServerConfig, backend: String) -> u16 {
    let acceptor = TlsAcceptor::from(Arc::new(tls));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, backend) = (acceptor.clone(), backend.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(&backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

/// Stores an item keyed `pk` through `db`.
async fn put(db: &aws_sdk_dynamodb::Client, pk: &str) -> Result<(), String> {
    db.put_item()
        .table_name(TABLE)
        .item(PK, AttributeValue::S(pk.to_string()))
        .item(SK, AttributeValue::S("TLS".to_string()))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// Whether an item keyed `pk` is stored, read through `db`.
async fn stored(db: &aws_sdk_dynamodb::Client, pk: &str) -> bool {
    db.get_item()
        .table_name(TABLE)
        .key(PK, AttributeValue::S(pk.to_string()))
        .key(SK, AttributeValue::S("TLS".to_string()))
        .send()
        .await
        .expect("an item is read over TLS")
        .item()
        .is_some()
}

const TABLE: &str = "tls";

#[test]
fn the_sdk_reaches_the_store_over_verified_tls_only() {
    let trusted = authority();
    let unknown = authority();
    let roots = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(roots.path(), &trusted.pem).unwrap();
    // SAFETY: no other thread runs yet; the roots are read at the first connection below.
    unsafe { std::env::set_var("SSL_CERT_FILE", roots.path()) };

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = LocalStore::start(None).await.unwrap();
        let backend = store.endpoint().trim_start_matches("http://").to_string();
        let signed = tls_front(server_tls(&trusted), backend.clone()).await;
        let stranger = tls_front(server_tls(&unknown), backend).await;

        let db = table::client(Some(&format!("https://localhost:{signed}"))).await;
        table::create_if_missing(&db, TABLE)
            .await
            .expect("the table is created over TLS");
        put(&db, "SIGNED")
            .await
            .expect("an item is stored over TLS");
        assert!(
            stored(&db, "SIGNED").await,
            "the item stored over TLS is read back"
        );

        let impostor = table::client(Some(&format!("https://localhost:{stranger}"))).await;
        let refused = put(&impostor, "UNKNOWN").await;
        let err = refused.expect_err("a server no trusted authority vouches for is refused");
        assert!(
            err.starts_with("DispatchFailure"),
            "refused before any request is sent: {err}"
        );
        assert!(!stored(&db, "UNKNOWN").await, "nothing reached the store");
        store.stop().await;
    });
}
