//! The store failing under load, and a slow store, with the service between real clients and a
//! real DynamoDB-compatible server. Between the service and the store stands a small TCP relay
//! that can cut every connection and refuse new ones (the store stopped) and slow every answer.
//!
//! With the embedded store, the store itself is stopped and started again on its file behind the
//! relay. With an external server (`FORM_FN_TEST_ENDPOINT`, moto in the moto step), the relay
//! cuts it off and lets it back, since a restarted moto forgets every table it held.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use form_fn::config::Config;
use form_fn::local::LocalStore;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Where the relay sends connections, and how slowly it relays answers.
#[derive(Default)]
struct Route {
    upstream: Option<SocketAddr>,
    delay: Duration,
    connections: Vec<JoinHandle<()>>,
}

/// A TCP relay in front of the store.
struct Relay {
    endpoint: String,
    route: Arc<Mutex<Route>>,
    accept: JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

impl Relay {
    async fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let route = Arc::new(Mutex::new(Route {
            upstream: Some(upstream),
            ..Route::default()
        }));
        let shared = route.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let mut r = shared.lock().unwrap();
                let Some(upstream) = r.upstream else {
                    drop(client); // The store is down: the connection is closed at once.
                    continue;
                };
                let route = shared.clone();
                r.connections
                    .push(tokio::spawn(relay(client, upstream, route)));
            }
        });
        Relay {
            endpoint,
            route,
            accept,
        }
    }

    /// Cuts every open connection and refuses new ones.
    fn cut(&self) {
        let mut r = self.route.lock().unwrap();
        r.upstream = None;
        for c in r.connections.drain(..) {
            c.abort();
        }
    }

    fn restore(&self, upstream: SocketAddr) {
        self.route.lock().unwrap().upstream = Some(upstream);
    }

    fn slow_down(&self, delay: Duration) {
        self.route.lock().unwrap().delay = delay;
    }
}

/// Relays one connection, holding each piece of the store's answer back by the route's delay of
/// the moment.
async fn relay(mut client: TcpStream, upstream: SocketAddr, route: Arc<Mutex<Route>>) {
    let Ok(mut store) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut from_client, mut to_client) = client.split();
    let (mut from_store, mut to_store) = store.split();
    let ask = tokio::io::copy(&mut from_client, &mut to_store);
    let answer = async {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = from_store.read(&mut buf).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(());
            }
            let delay = route.lock().unwrap().delay;
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            to_client.write_all(&buf[..n]).await?;
        }
    };
    let _ = tokio::try_join!(ask, answer);
}

fn socket_of(endpoint: &str) -> SocketAddr {
    endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("a loopback endpoint with a port")
}

/// The store the test stops: the embedded one on a file, or the external server.
enum Store {
    Embedded(Option<LocalStore>, std::path::PathBuf),
    External(String),
}

impl Store {
    async fn start(file: &std::path::Path) -> Store {
        match external_endpoint() {
            Some(e) => Store::External(e),
            None => Store::Embedded(
                Some(LocalStore::start(Some(file)).await.unwrap()),
                file.to_path_buf(),
            ),
        }
    }

    fn endpoint(&self) -> String {
        match self {
            Store::Embedded(s, _) => s.as_ref().unwrap().endpoint().to_string(),
            Store::External(e) => e.clone(),
        }
    }

    async fn stop(&mut self) {
        if let Store::Embedded(s, _) = self {
            s.take().unwrap().stop().await;
        }
    }

    async fn restart(&mut self) {
        if let Store::Embedded(s, file) = self {
            *s = Some(LocalStore::start(Some(file)).await.unwrap());
        }
    }
}

/// The service over `relay`, on a fresh table created through it.
async fn service_over(relay: &Relay) -> (String, String, JoinHandle<()>) {
    let table = table_name();
    let db = form_fn::table::client(Some(&relay.endpoint)).await;
    form_fn::table::create_if_missing(&db, &table)
        .await
        .expect("the table is created");
    let config = Config {
        table: table.clone(),
        submissions_per_client: 1_000_000,
        ..Config::default()
    };
    let (base, server) = serve_config(&relay.endpoint, config).await;
    (base, table, server)
}

/// The good answers of `form` with `marker` written into its long text, so that each stored item
/// can be traced to the request that sent it.
fn marked(form: &forms::FormDef, marker: &str) -> Value {
    let long = form
        .fields
        .iter()
        .find(|f| f.kind == forms::FieldType::Textarea)
        .expect("the form has a long text")
        .name
        .clone();
    let answers: Vec<(String, String)> = good_answers(form)
        .into_iter()
        .map(|(k, v)| {
            if k == long {
                (k, format!("{v} {marker}"))
            } else {
                (k, v)
            }
        })
        .collect();
    json_body(form, &answers)
}

/// Clients sending at once: 16, or `FORM_FN_FAULT_CLIENTS`.
fn clients() -> usize {
    std::env::var("FORM_FN_FAULT_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(16)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn submissions_while_the_store_stops_and_restarts_are_stored_once_or_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::start(&dir.path().join("forms.sqlite")).await;
    let relay = Relay::start(socket_of(&store.endpoint())).await;
    let (base, table, _server) = service_over(&relay).await;
    let content = content();
    let form = trackable(&content);
    let url = format!("{base}/api/forms/{}", form.id);
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));

    let mut tasks = Vec::new();
    for client in 0..clients() {
        let (url, form, running) = (url.clone(), form.clone(), running.clone());
        tasks.push(tokio::spawn(async move {
            let c = http();
            let mut answered = Vec::new();
            let mut n = 0;
            while running.load(std::sync::atomic::Ordering::SeqCst) {
                let marker = format!("fault-{client:02}-{n:03}");
                let r = c
                    .post(&url)
                    .header("accept", "application/json")
                    .header("idempotency-key", format!("key-{marker}"))
                    .json(&marked(&form, &marker))
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let retry_after = r.headers().contains_key("retry-after");
                let body: Value = r.json().await.unwrap_or(Value::Null);
                answered.push((marker, status, retry_after, body));
                n += 1;
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
            answered
        }));
    }
    // Up, down for two seconds (stopped, connections cut), up again on the same data.
    tokio::time::sleep(Duration::from_millis(800)).await;
    relay.cut();
    store.stop().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    store.restart().await;
    relay.restore(socket_of(&store.endpoint()));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    running.store(false, std::sync::atomic::Ordering::SeqCst);

    let mut answers = Vec::new();
    for t in tasks {
        answers.extend(t.await.unwrap());
    }
    let db = form_fn::table::client(Some(&store.endpoint())).await;
    let mut stored: HashMap<String, Vec<String>> = HashMap::new();
    for item in submissions_in(&db, &table).await {
        let text = format!("{:?}", item["values"]);
        let marker = text
            .split("fault-")
            .nth(1)
            .map(|rest| format!("fault-{}", &rest[..6]))
            .expect("every stored item carries its marker");
        let code = item["pk"]
            .as_s()
            .unwrap()
            .trim_start_matches("SUB#")
            .to_string();
        stored.entry(marker).or_default().push(code);
    }

    let (mut confirmed, mut refused, mut refused_but_stored) = (0, 0, 0);
    for (marker, status, retry_after, body) in &answers {
        let copies = stored.get(marker).map_or(0, Vec::len);
        match *status {
            StatusCode::CREATED => {
                confirmed += 1;
                assert_eq!(
                    copies, 1,
                    "{marker} was confirmed and is stored {copies} times"
                );
                let code = forms::normalise::code(body["code"].as_str().unwrap()).unwrap();
                assert_eq!(
                    stored[marker][0], code,
                    "{marker}: the code given is the one stored"
                );
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                refused += 1;
                assert!(*retry_after, "{marker}: a 503 says when to send again");
                assert_eq!(
                    body["message"],
                    form_fn::messages::MSG_NOT_SAVED,
                    "{marker}"
                );
                assert!(copies <= 1, "{marker} is stored {copies} times");
                refused_but_stored += copies;
            }
            other => panic!("{marker}: unexpected {other}: {body}"),
        }
    }
    eprintln!(
        "faults: {} submissions from {} clients: {confirmed} confirmed, each stored once; {refused} \
         answered 503 with Retry-After ({refused_but_stored} of them stored all the same, found by \
         their key when sent again)",
        answers.len(),
        clients()
    );
    assert!(confirmed > 0 && refused > 0, "the run spanned the outage");
    assert_eq!(
        stored.values().map(Vec::len).sum::<usize>(),
        confirmed + refused_but_stored,
        "nothing stored that was not sent"
    );
}

#[tokio::test]
async fn a_slow_store_is_answered_by_its_own_time_limits_never_cut_off_by_the_requests() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::start(&dir.path().join("forms.sqlite")).await;
    let relay = Relay::start(socket_of(&store.endpoint())).await;
    let (base, table, _server) = service_over(&relay).await;
    let content = content();
    let form = trackable(&content);
    let url = format!("{base}/api/forms/{}", form.id);
    let send = |marker: &str| {
        http()
            .post(&url)
            .header("accept", "application/json")
            .header("idempotency-key", format!("key-{marker}"))
            .json(&marked(&form, marker))
            .send()
    };

    // Slow, but within each attempt's limit: stored and confirmed.
    relay.slow_down(form_fn::table::ATTEMPT_TIMEOUT / 4);
    let r = send("slow-but-answering").await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    // Slower than any attempt may take: refused by the store's own limits before the request's.
    relay.slow_down(form_fn::table::ATTEMPT_TIMEOUT + Duration::from_millis(500));
    let started = std::time::Instant::now();
    let r = send("too-slow").await.unwrap();
    let took = started.elapsed();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["error"], "not_saved",
        "the store's limit answered, not the request's: {body}"
    );
    assert!(took < form_fn::router::REQUEST_TIMEOUT, "{took:?}");

    relay.slow_down(Duration::ZERO);
    let db = form_fn::table::client(Some(&store.endpoint())).await;
    let items = submissions_in(&db, &table).await;
    assert_eq!(items.len(), 1, "only the confirmed submission is stored");
}
