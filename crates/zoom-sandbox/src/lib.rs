//! A local service that speaks Zoom's REST API v2 and OAuth for everything PMI Desk uses: one
//! account with one user, a valid PMI chosen at first start, settings, scheduled, instant and PMI
//! meetings with `omn` links, Zoom's error codes and shapes, pagination, the daily create/update cap
//! with `Retry-After`, lock settings, and faults on demand. Data lives in SQLite and survives
//! restarts. It runs inside the app as the default account and alone as the `zoom-sandbox` binary.

mod api;
mod error;
mod faults;
mod input;
mod model;
mod oauth;
mod pages;
mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::Utc;
use rand::Rng;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Fault, FaultKind, RetryAfter};

use crate::model::UserRecord;
use crate::store::Store;

pub const DEFAULT_CLIENT_ID: &str = "pmi-desk-local";
pub const DEFAULT_CLIENT_SECRET: &str = "pmi-desk-local-secret";
pub const DEFAULT_ACCOUNT_ID: &str = "local-account";
pub const DEFAULT_DAILY_MEETING_LIMIT: u32 = 100;
pub const DEFAULT_TOKEN_TTL_SECS: i64 = 3599;
/// A personal link name the service treats as another user's.
pub const DEFAULT_TAKEN_VANITY_NAME: &str = "pmidesk.taken";

/// How to run the sandbox.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub client_id: String,
    pub client_secret: String,
    pub account_id: String,
    /// Meeting creates plus updates a user may make per UTC day (Zoom's is 100).
    pub daily_meeting_limit: u32,
    pub token_ttl_secs: i64,
    /// Serves `POST`/`DELETE /_sandbox/faults`.
    pub enable_faults: bool,
    /// Allows a non-loopback listen address.
    pub allow_remote: bool,
    /// A public OAuth client (no secret): authorization code with PKCE, and refresh, with only
    /// this client ID, as Zoom's "Public Client OAuth" apps.
    pub public_client_id: Option<String>,
    /// Serves `/oauth/authorize` and the authorization code grant. `None` (the default, and the
    /// app's embedded account) serves neither, so no other process can get a user token.
    pub authorize: Option<Consent>,
    /// Personal link names other users hold: `GET /users/vanity_name` says they exist, and a
    /// user cannot take them (Zoom's code 4100).
    pub taken_vanity_names: Vec<String>,
    /// The new user's name, email and time zone, used on first start only.
    pub display_name: String,
    pub email: String,
    pub timezone: String,
}

/// How `/oauth/authorize` asks the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// A consent page with Allow and Deny, as Zoom shows.
    Ask,
    /// Approves at once (automated tests).
    AutoApprove,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("account_id", &self.account_id)
            .field("daily_meeting_limit", &self.daily_meeting_limit)
            .field("enable_faults", &self.enable_faults)
            .field("public_client_id", &self.public_client_id)
            .field("authorize", &self.authorize)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Defaults for everything but the data folder; listens on an ephemeral loopback port.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            client_id: DEFAULT_CLIENT_ID.into(),
            client_secret: DEFAULT_CLIENT_SECRET.into(),
            account_id: DEFAULT_ACCOUNT_ID.into(),
            daily_meeting_limit: DEFAULT_DAILY_MEETING_LIMIT,
            token_ttl_secs: DEFAULT_TOKEN_TTL_SECS,
            enable_faults: false,
            allow_remote: false,
            public_client_id: None,
            authorize: None,
            taken_vanity_names: vec![DEFAULT_TAKEN_VANITY_NAME.into()],
            display_name: "Local User".into(),
            email: "you@pmidesk.example.com".into(),
            timezone: "UTC".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "refusing to listen on {0}: it is not a loopback address (pass --allow-remote to allow it)"
    )]
    NotLoopback(SocketAddr),
    #[error("refusing to serve other machines with the published default client secret: set --client-secret (or ZOOM_SANDBOX_CLIENT_SECRET)")]
    DefaultSecretRemote,
    #[error("cannot use the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub(crate) struct AppState {
    pub store: Store,
    pub config: Config,
    pub faults: faults::Faults,
    pub consents: oauth::Consents,
    /// `http://127.0.0.1:PORT`: where the API, OAuth and the meeting pages are served.
    pub base_url: String,
    /// Requests answered since the start (for tests and benchmarks: "0 requests when cached").
    pub requests: std::sync::atomic::AtomicU64,
}

/// A running sandbox; stops when `stop` is called or it is dropped.
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Opens the data folder, seeds the account on first start, binds and serves.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        if !config.listen.ip().is_loopback() && !config.allow_remote {
            return Err(StartError::NotLoopback(config.listen));
        }
        if !config.listen.ip().is_loopback() && config.client_secret == DEFAULT_CLIENT_SECRET {
            return Err(StartError::DefaultSecretRemote);
        }
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let store = Store::open(&config.data_dir)?;
        seed(&store, &config)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Listen {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Listen {
            addr: config.listen,
            source,
        })?;
        let base_url = format!("http://{addr}");
        let state = Arc::new(AppState {
            store,
            config,
            faults: faults::Faults::default(),
            consents: oauth::Consents::default(),
            base_url: base_url.clone(),
            requests: std::sync::atomic::AtomicU64::new(0),
        });
        let app = router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(err) = served {
                tracing::error!(%err, "sandbox server stopped");
            }
        });
        tracing::info!(%base_url, "sandbox listening");
        Ok(Self {
            addr,
            base_url,
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`; the API is under `/v2`, OAuth under `/oauth`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// How many requests reached the service since it started.
    pub fn requests_seen(&self) -> u64 {
        self.state
            .requests
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Arms a fault directly (tests in the same process); the HTTP route does the same.
    pub fn add_fault(&self, fault: Fault) {
        self.state.faults.add(fault);
    }

    /// Clears every armed fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Makes every access token lapse now, so the next call must refresh (tests).
    pub fn expire_access_tokens(&self) {
        if let Err(err) = self.state.store.expire_access_tokens() {
            tracing::error!(%err, "cannot expire tokens");
        }
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Creates the one user, with a fresh valid PMI and its personal room, if there is none yet.
fn seed(store: &Store, config: &Config) -> Result<UserRecord, rusqlite::Error> {
    let mut rng = rand::rng();
    let pmi = loop {
        let candidate: u64 = rng.random_range(2_000_000_000..10_000_000_000);
        if let Ok(pmi) = pmi_core::Pmi::new(candidate) {
            break pmi.get();
        }
    };
    let mut settings = model::default_settings();
    let pmi_password: String = (0..6)
        .map(|_| char::from(b'0' + rng.random_range(0..10)))
        .collect();
    settings["schedule_meeting"]["pmi_password"] = pmi_password.clone().into();
    let (first, last) = config
        .display_name
        .split_once(' ')
        .unwrap_or((config.display_name.as_str(), ""));
    let user = UserRecord {
        id: "local-user".into(),
        account_id: config.account_id.clone(),
        email: config.email.clone(),
        first_name: first.into(),
        last_name: last.into(),
        display_name: config.display_name.clone(),
        pmi,
        vanity_name: Some("local.user".into()),
        timezone: config.timezone.clone(),
        use_pmi: false,
        settings,
        created_at: Utc::now(),
    };
    let room = api::personal_room(&user, pmi_password);
    store.seed(&config.account_id, user, room)
}

/// Answers only requests addressed to this service by its loopback name (the `Host` header), so
/// a web page that rebinds its own domain to 127.0.0.1 cannot read the PMI or the meetings; and
/// takes a form POST only from its own pages (the `Origin` header), so a web page cannot start a
/// meeting. A service allowed to listen beyond loopback skips the `Host` check.
async fn only_for_this_origin(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    state
        .requests
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (host, origin) = {
        let headers = request.headers();
        let get = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        (
            get(axum::http::header::HOST),
            get(axum::http::header::ORIGIN),
        )
    };
    let port = state.base_url.rsplit(':').next().unwrap_or_default();
    let host_ok = state.config.allow_remote
        || host.as_deref().is_some_and(|host| {
            ["127.0.0.1", "localhost", "[::1]"]
                .iter()
                .any(|name| host.eq_ignore_ascii_case(&format!("{name}:{port}")))
        });
    // A form POST must come from a page of this service, whatever name it was reached by.
    let origin_ok = origin.is_none_or(|origin| {
        host.as_deref()
            .is_some_and(|host| origin.eq_ignore_ascii_case(&format!("http://{host}")))
            && (state.config.allow_remote
                || ["127.0.0.1", "localhost", "[::1]"]
                    .iter()
                    .any(|name| origin.eq_ignore_ascii_case(&format!("http://{name}:{port}"))))
    });
    if host_ok && origin_ok {
        next.run(request).await
    } else {
        (
            StatusCode::FORBIDDEN,
            Json(json!({"code": 403, "message": "This service answers only PMI Desk on this computer."})),
        )
            .into_response()
    }
}

async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"code": 404, "message": "The requested resource does not exist."})),
    )
}

fn router(state: Arc<AppState>) -> Router {
    let v2 = Router::new()
        .route("/users/vanity_name", get(api::vanity_name))
        .route(
            "/users/{user_id}",
            get(api::get_user).patch(api::patch_user),
        )
        .route(
            "/users/{user_id}/settings",
            get(api::get_settings).patch(api::patch_settings),
        )
        .route(
            "/users/{user_id}/meetings",
            get(api::list_meetings).post(api::create_meeting),
        )
        .route(
            "/meetings/{meeting_id}",
            get(api::get_meeting)
                .patch(api::patch_meeting)
                .delete(api::delete_meeting),
        )
        .route("/meetings/{meeting_id}/invitation", get(api::invitation))
        .route("/meetings/{meeting_id}/status", put(api::meeting_status))
        .route(
            "/accounts/{account_id}/lock_settings",
            get(api::get_lock_settings).patch(api::patch_lock_settings),
        )
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), oauth::require_bearer));
    let mut app = Router::new()
        .nest("/v2", v2)
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/revoke", post(oauth::revoke))
        .route("/", get(pages::home))
        .route("/j/{id}", get(pages::join))
        .route("/s/{id}", get(pages::start_page).post(pages::start))
        .route("/my/{name}", get(pages::personal_link))
        .fallback(not_found);
    if state.config.authorize.is_some() {
        app = app.route(
            "/oauth/authorize",
            get(oauth::authorize).post(oauth::decide),
        );
    }
    if state.config.enable_faults {
        app = app.route(
            "/_sandbox/faults",
            post(faults::add_fault).delete(faults::clear_faults),
        );
    }
    app.layer(from_fn_with_state(state.clone(), faults::inject))
        .layer(from_fn_with_state(state.clone(), only_for_this_origin))
        .with_state(state)
}
