//! `site-gen serve`: a preview on 127.0.0.1 that rebuilds when the content or the templates
//! change and reloads the open page (Server-Sent Events). Requests to `/api/…` go on to the local
//! form service, as they will on the published site, where the service is mounted at `/api`.
//! A failed rebuild keeps the last good site and shows the problems in the page.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower_http::services::{ServeDir, ServeFile};

use crate::render::{Mode, Templates};
use crate::{Config, build_site};

/// The script added to every page in `serve` only: reloads on a rebuild, shows a failed one.
const RELOAD_JS: &str = r#"(function () {
  var events = new EventSource("/__serve/events");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("problems", function (e) {
    var box = document.getElementById("serve-problems") || document.createElement("pre");
    box.id = "serve-problems";
    box.setAttribute("dir", "ltr");
    box.textContent = "The site was not rebuilt; the last good version is shown.\n\n" + e.data;
    box.className = "serve-problems";
    document.body.prepend(box);
  });
})();
"#;

/// How long a file must be left alone after a change before the site is rebuilt. An editor's
/// save is a burst of events a few milliseconds apart (a temporary file written, renamed over the
/// old one, its mode set), which this still makes one rebuild; a longer wait is only felt as lag.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    /// The local form service that `/api/…` is passed on to.
    pub api: String,
    /// The language the problems are printed in.
    pub lang: forms::Lang,
}

struct Shared {
    out: PathBuf,
    api: String,
    lang: forms::Lang,
    client: Client<HttpConnector, Body>,
    events: broadcast::Sender<(String, String)>,
    /// The page answered when the form service is not running (rendered with the site's look).
    unavailable: Mutex<String>,
}

/// Builds, serves and watches until interrupted.
pub fn serve(mut config: Config, options: ServeOptions) -> Result<(), String> {
    // Forms post to the preview's own /api, passed on to the local service.
    config.overrides.forms_url = Some("/api".into());
    let dir = tempfile::Builder::new()
        .prefix("site-gen-serve-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let out = dir.path().join("site");
    let (events, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        out: out.clone(),
        api: options.api.trim_end_matches('/').to_string(),
        lang: options.lang,
        client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
        events,
        unavailable: Mutex::new(fallback_unavailable(&options.api)),
    });
    rebuild(&config, &shared);

    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = new_debouncer(DEBOUNCE, tx).map_err(|e| e.to_string())?;
    let templates = config.templates_dir();
    for path in [&config.site, &templates] {
        debouncer
            .watcher()
            .watch(path, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
    }
    {
        let (config, shared) = (config.clone(), shared.clone());
        let watched = vec![config.site.clone(), templates.clone()];
        std::thread::spawn(move || {
            // Reading the files to rebuild is itself an event on some systems: rebuild only
            // when a file's size or time of change differs.
            let mut seen = stamps(&watched);
            while let Ok(mut result) = rx.recv() {
                // Changes that came in while the last rebuild ran are one change.
                while let Ok(next) = rx.try_recv() {
                    result = result.or(next);
                }
                let now = stamps(&watched);
                if result.is_ok() && now != seen {
                    seen = now;
                    println!("change seen; rebuilding");
                    rebuild(&config, &shared);
                }
            }
        });
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let addr = SocketAddr::from(([127, 0, 0, 1], options.port));
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            format!("cannot listen on {addr}: {e} (is another preview running? try --port)")
        })?;
        println!(
            "serving http://{addr}/ (forms go to {}); press Ctrl+C to stop",
            shared.api
        );
        axum::serve(listener, router(shared))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
    })?;
    drop(debouncer);
    Ok(())
}

/// Every file under `dirs` with its size and time of change.
fn stamps(dirs: &[PathBuf]) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) => out.push((path, m.len(), m.modified().ok())),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}

fn router(shared: Arc<Shared>) -> Router {
    let files = ServeDir::new(&shared.out)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(shared.out.join("404.html")));
    Router::new()
        .route("/__serve/events", get(events))
        .route("/__serve/reload.js", get(reload_js))
        .route("/api", any(proxy))
        .route("/api/{*rest}", any(proxy))
        .fallback_service(files)
        .with_state(shared)
}

/// Builds into the served folder; on failure prints the problems and tells the open pages.
fn rebuild(config: &Config, shared: &Shared) {
    let mode = Mode { live_reload: true };
    let (site, built, diagnostics) = build_site(config, &shared.out, mode);
    let text = diagnostics.text(shared.lang);
    if !text.is_empty() {
        eprint!("{text}");
    }
    match built {
        Ok(built) => {
            println!("rebuilt: {} files", built.files);
            if let (Some(site), Ok(t)) = (&site, Templates::read(&config.templates_dir()))
                && let Some(page) = unavailable_page(site, &t, &shared.api)
            {
                *shared.unavailable.lock().expect("not poisoned") = page;
            }
            let _ = shared.events.send(("reload".into(), String::new()));
        }
        Err(()) => {
            let (errors, _) = diagnostics.counts();
            eprintln!("not rebuilt: {errors} error(s); still serving the last good site");
            let _ = shared.events.send(("problems".into(), text));
        }
    }
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(shared.events.subscribe())
        .filter_map(|m| m.ok())
        .map(|(name, data)| Ok(Event::default().event(name).data(data)));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn reload_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        RELOAD_JS,
    )
}

/// Passes the request on to the form service, or answers 502 with how to start it.
async fn proxy(State(shared): State<Arc<Shared>>, mut req: Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let uri: Uri = match format!("{}{path}", shared.api).parse() {
        Ok(u) => u,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    *req.uri_mut() = uri;
    req.headers_mut().remove(header::HOST);
    match shared.client.request(req).await {
        Ok(res) => res.map(Body::new).into_response(),
        Err(_) => {
            let page = shared.unavailable.lock().expect("not poisoned").clone();
            let mut res = (StatusCode::BAD_GATEWAY, page).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            res
        }
    }
}

fn unavailable_message(api: &str) -> String {
    format!(
        "المعاينة لا تصل إلى خدمة النماذج على {api}. لتجربة النماذج شغّل الخدمة في نافذة طرفية أخرى بالأمر: cargo run -p form-fn ثم أعد إرسال النموذج."
    )
}

fn unavailable_page(site: &crate::model::Site, templates: &Templates, api: &str) -> Option<String> {
    let renderer = crate::render::renderer(site, templates).ok()?;
    let mut info = forms::render::PageInfo::new("خدمة النماذج لا تعمل", "/api/");
    info.noindex = true;
    let mut ctx = forms::render::base_context(&site.config, &info, &templates.assets());
    ctx.insert("status", &502);
    ctx.insert("title", "خدمة النماذج لا تعمل");
    ctx.insert("message", &unavailable_message(api));
    ctx.insert("retry", &false);
    ctx.insert("live_reload", &true);
    renderer.render("error.html", &ctx).ok()
}

fn fallback_unavailable(api: &str) -> String {
    format!(
        "<!doctype html><html lang=\"ar\" dir=\"rtl\"><meta charset=\"utf-8\"><title>خدمة النماذج لا تعمل</title><h1>خدمة النماذج لا تعمل</h1><p>{}</p></html>",
        forms::render::escape_html(&unavailable_message(api))
    )
}
