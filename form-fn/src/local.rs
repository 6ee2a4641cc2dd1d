//! The embedded DynamoDB-compatible store for running the service on one machine with nothing
//! else installed: `dynoxide` started in-process on a loopback port, persisted to a SQLite file (or
//! kept in memory), with expired TTL items swept on a timer (it does not expire them by itself).
//! The service reaches it over HTTP with the real AWS SDK, exactly as it reaches DynamoDB.
//!
//! # Why it runs on a thread of its own
//!
//! dynoxide answers each request inside its async handler: the SQLite work (and the file's syncs)
//! runs on the thread that polls the handler, under one lock around the connection. On the
//! service's own runtime (one worker per core) a store request waiting for that lock, or for the
//! disk, held a worker that the service's other requests needed, and at 10 concurrent clients
//! both workers of a two-core machine could be held at once: every request stalled. The store
//! therefore has its own thread and single-threaded runtime, where requests take the lock one
//! after another as they would anyway, and the service's workers never wait for the disk.
//!
//! # Durability
//!
//! The file is in SQLite's write-ahead-log mode (dynoxide's choice) with `synchronous = NORMAL`
//! (ours; SQLite's default is `FULL`): a commit is written to the log but not synced to the disk,
//! which happens at each checkpoint instead. What is answered as stored survives the service
//! crashing or being killed (the log is in the operating system's cache); a power cut or a crash
//! of the operating system can lose the last commits before the next checkpoint, never the file's
//! consistency. That is enough for a store on one machine for previews and tests; the deployed
//! service uses DynamoDB.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

/// How often expired items are deleted.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// A running embedded store.
pub struct LocalStore {
    endpoint: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Why the embedded store could not start.
#[derive(Debug, thiserror::Error)]
pub enum LocalStoreError {
    #[error("cannot create the folder of {0}: {1}")]
    Folder(PathBuf, std::io::Error),
    #[error("cannot open the store file {0}: {1}")]
    Open(PathBuf, String),
    #[error("cannot open an in-memory store: {0}")]
    Memory(String),
    #[error("cannot listen on a loopback port: {0}")]
    Listen(std::io::Error),
    #[error("cannot start the store's thread: {0}")]
    Thread(std::io::Error),
}

impl LocalStore {
    /// Starts the store on a free loopback port, persisted to `file` (created with its folder if
    /// missing), or in memory when `file` is `None`.
    pub async fn start(file: Option<&Path>) -> Result<LocalStore, LocalStoreError> {
        let db = match file {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| LocalStoreError::Folder(path.to_path_buf(), e))?;
                }
                let text = path.to_string_lossy();
                let db = dynoxide::Database::new(&text)
                    .map_err(|e| LocalStoreError::Open(path.to_path_buf(), e.to_string()))?;
                // dynoxide offers no setting for it but this: "normal" PRAGMAs, which are SQLite's
                // defaults except `synchronous = NORMAL` (see the module's notes on durability).
                db.disable_bulk_loading()
                    .map_err(|e| LocalStoreError::Open(path.to_path_buf(), e.to_string()))?;
                db
            }
            None => {
                dynoxide::Database::memory().map_err(|e| LocalStoreError::Memory(e.to_string()))?
            }
        };
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(LocalStoreError::Listen)?;
        listener
            .set_nonblocking(true)
            .map_err(LocalStoreError::Listen)?;
        let addr = listener.local_addr().map_err(LocalStoreError::Listen)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(LocalStoreError::Thread)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("local-store".to_string())
            .spawn(move || runtime.block_on(serve(listener, db, stopped)))
            .map_err(LocalStoreError::Thread)?;
        Ok(LocalStore {
            endpoint: format!("http://{addr}"),
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The store's address, for `AWS_ENDPOINT_URL_DYNAMODB` or `form-fn-admin --endpoint`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Stops the store: it stops accepting connections, closes idle ones and lets its thread end.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

impl Drop for LocalStore {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The store's thread: serves `db` on `listener` and sweeps expired items until `stopped`.
async fn serve(
    listener: std::net::TcpListener,
    db: dynoxide::Database,
    stopped: oneshot::Receiver<()>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(err) => {
            tracing::error!(error = %err, "embedded store not started");
            return;
        }
    };
    let sweeper = tokio::spawn(sweep(db.clone()));
    let shutdown = async {
        let _ = stopped.await;
    };
    if let Err(err) = dynoxide::server::serve_with_shutdown(listener, db, shutdown).await {
        tracing::error!(error = %err, "embedded store stopped");
    }
    sweeper.abort();
}

/// Deletes expired items every [`SWEEP_EVERY`].
async fn sweep(db: dynoxide::Database) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        let db = db.clone();
        match tokio::task::spawn_blocking(move || db.sweep_ttl()).await {
            Ok(Ok(n)) if n > 0 => tracing::info!(deleted = n, "expired items swept"),
            Ok(Err(err)) => tracing::warn!(error = %err, "TTL sweep failed"),
            _ => {}
        }
    }
}
