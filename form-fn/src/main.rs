//! The form service. Under Lambda (`AWS_LAMBDA_RUNTIME_API` set) it serves the router with
//! `lambda_http`; otherwise it serves the same router on 127.0.0.1 (`--port N`, `PORT`, default
//! 3000), on the embedded local store or on `AWS_ENDPOINT_URL_DYNAMODB` when that is set.

use std::process::ExitCode;

use form_fn::config::Config;
use form_fn::{access_log, table};

const USAGE: &str = "\
form-fn: the form service.

Usage: form-fn [--port N]

Serves POST /api/forms/{form}, POST /api/track, GET /api/health and the staff inbox under
/api/staff on 127.0.0.1 (port: --port, else PORT, else 3000); staff sign in through the one-time
link it prints (from this machine only). The store is the embedded one, kept in FORMS_DATA_FILE (default
.data/forms.sqlite), unless AWS_ENDPOINT_URL_DYNAMODB names a DynamoDB-compatible endpoint.
Under Lambda (AWS_LAMBDA_RUNTIME_API set) it answers the function's invocations instead.
";

fn main() -> ExitCode {
    let mut config = Config::from_env();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => match args.next().and_then(|p| p.parse().ok()) {
                Some(p) => config.port = p,
                None => {
                    eprintln!("form-fn: --port needs a number, such as --port 3000");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("form-fn: unknown argument {other:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    access_log::init(&config.log_filter);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime starts");
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("form-fn: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    if config.lambda_runtime {
        let client = table::client(config.endpoint.as_deref()).await;
        let router = form_fn::service(&config, client.clone()).map_err(|e| e.to_string())?;
        // The first store call's set-up (credentials, the TLS roots, the connection) is made
        // beside the first poll for an invocation rather than in the first request: one read of a
        // key that never exists, whose connection the first request then takes from the pool.
        // The roots are read first on a thread of the lowest priority, so that on one processor
        // the poll is sent before them (bench/results/2026-12-01-speed-round-7.md).
        let roots = form_fn::https::prepare_roots();
        let warm =
            form_fn::store::Store::new(client, config.table.clone(), config.client_key.clone());
        tokio::spawn(async move {
            let _ = roots.await;
            let _ = warm.ping().await;
        });
        return lambda_http::run(router).await.map_err(|e| e.to_string());
    }
    serve_locally(config).await
}

async fn serve_locally(config: Config) -> Result<(), String> {
    // Staff sign in on this machine through a one-time link printed at start.
    #[cfg(feature = "local")]
    let config = Config {
        local_link: Some(form_fn::auth::session::random_hex(24)),
        ..config
    };
    #[cfg(feature = "local")]
    let mut local = None;
    let endpoint = match &config.endpoint {
        Some(url) => url.clone(),
        None => {
            #[cfg(feature = "local")]
            {
                let store = form_fn::local::LocalStore::start(Some(&config.data_file))
                    .await
                    .map_err(|e| e.to_string())?;
                let url = store.endpoint().to_string();
                form_fn::config::write_local_endpoint(&config.data_file, &url)
                    .map_err(|e| format!("cannot write the local store's address: {e}"))?;
                local = Some(store);
                url
            }
            #[cfg(not(feature = "local"))]
            return Err(
                "built without the embedded store (feature `local`): set AWS_ENDPOINT_URL_DYNAMODB"
                    .to_string(),
            );
        }
    };
    let client = table::client(Some(&endpoint)).await;
    table::create_if_missing(&client, &config.table)
        .await
        .map_err(|e| {
            format!(
                "cannot create the table {:?} at {endpoint}: {e}",
                config.table
            )
        })?;
    let router = form_fn::service(&config, client).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(config.local_addr())
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.local_addr()))?;
    eprintln!(
        "form-fn: serving http://{}/api (store: {endpoint}, table {})",
        config.local_addr(),
        config.table
    );
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string());
    #[cfg(feature = "local")]
    if let Some(store) = local {
        store.stop().await;
    }
    served
}
