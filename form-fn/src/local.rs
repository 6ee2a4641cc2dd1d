//! The embedded DynamoDB-compatible store for running the service on one machine with nothing
//! else installed: `dynoxide` started in-process on a loopback port, persisted to a SQLite file (or
//! kept in memory), with expired TTL items swept on a timer (it does not expire them by itself).
//! The service reaches it over HTTP with the real AWS SDK, exactly as it reaches DynamoDB.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How often expired items are deleted.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// A running embedded store.
pub struct LocalStore {
    endpoint: String,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
    sweeper: JoinHandle<()>,
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
                dynoxide::Database::new(&text)
                    .map_err(|e| LocalStoreError::Open(path.to_path_buf(), e.to_string()))?
            }
            None => {
                dynoxide::Database::memory().map_err(|e| LocalStoreError::Memory(e.to_string()))?
            }
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(LocalStoreError::Listen)?;
        let addr = listener.local_addr().map_err(LocalStoreError::Listen)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let server_db = db.clone();
        let server = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(err) =
                dynoxide::server::serve_with_shutdown(listener, server_db, shutdown).await
            {
                tracing::error!(error = %err, "embedded store stopped");
            }
        });
        let sweeper = tokio::spawn(async move {
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
        });
        Ok(LocalStore {
            endpoint: format!("http://{addr}"),
            stop: Some(stop),
            server,
            sweeper,
        })
    }

    /// The store's address, for `AWS_ENDPOINT_URL_DYNAMODB` or `form-fn-admin --endpoint`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Stops the store: it stops accepting connections and closes idle ones.
    pub async fn stop(mut self) {
        self.sweeper.abort();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }
}

impl Drop for LocalStore {
    fn drop(&mut self) {
        self.sweeper.abort();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
