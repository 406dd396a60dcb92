//! The account the app talks to: the built-in local account (the default: the local service
//! started inside the app on a loopback port, its data in the app's data folder) or a Zoom
//! account signed in through the browser. Which one is in use is kept in `account.json`, which
//! holds no secret; a Zoom account's refresh token lives only in the OS keychain. Each account
//! has its own cache folder, so one account's PMI never shows under another.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use zoom_api::{ClientConfig, Credentials, SecretString, ZoomClient};
use zoom_sandbox::{Config, Sandbox, StartError};

use crate::error::Error;
use crate::keychain::{Keychain, KeychainError, TokenEntry};
use crate::store::CacheFile;

/// Which account is in use, as `account.json` keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountRecord {
    #[default]
    Local,
    Zoom(ZoomAccount),
}

/// A signed-in Zoom account: who it is and where its OAuth server and API are. No secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoomAccount {
    pub user_id: String,
    pub display_name: String,
    pub email: String,
    pub client_id: String,
    pub oauth_url: String,
    pub api_url: String,
    /// The keychain entry of its refresh token: new at each sign-in, so two data folders (or
    /// two sign-ins) never share one.
    pub keychain_entry: String,
}

impl AccountRecord {
    /// The name of the account's folder under `accounts/`.
    pub fn key(&self) -> String {
        match self {
            AccountRecord::Local => "local".into(),
            AccountRecord::Zoom(z) => {
                let id: String = z
                    .user_id
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .take(64)
                    .collect();
                format!("zoom-{id}")
            }
        }
    }
}

/// The folder of one account's cache inside the data folder.
pub fn account_dir(data_dir: &Path, record: &AccountRecord) -> PathBuf {
    data_dir.join("accounts").join(record.key())
}

/// The built-in account's service folder inside the app's data folder.
pub fn local_service_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("local-account")
}

/// What every account needs to start: where the data is, and the keychain.
pub struct Launch {
    pub data_dir: PathBuf,
    /// The local service serves its fault route (tests).
    pub local_faults: bool,
    pub keychain: Keychain,
}

/// A live connection to an account.
pub struct Session {
    pub zoom: ZoomClient,
    /// The built-in service, kept alive while its account is in use.
    _local: Option<Sandbox>,
}

impl Session {
    /// Requests the built-in service has answered (for the tray's benchmark: none when cached).
    #[cfg(test)]
    pub fn local_requests_seen(&self) -> Option<u64> {
        self._local.as_ref().map(Sandbox::requests_seen)
    }

    pub fn zoom(zoom: ZoomClient) -> Self {
        Self { zoom, _local: None }
    }
}

/// How long a keychain that failed to give the token is left alone, so that a locked keyring
/// does not stall every command (and raise a prompt) in turn.
const KEYCHAIN_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The account in use: what it is, its cache, and its connection, started on first use.
pub struct Current {
    pub record: AccountRecord,
    pub cache: Arc<CacheFile>,
    /// A Zoom account's keychain entry; `None` on the local account, or when the sign-in is
    /// kept in memory only.
    pub entry: Option<TokenEntry>,
    /// Why the session is kept in memory for this run only (the keychain could not take it).
    pub memory_only: Option<String>,
    session: tokio::sync::OnceCell<Arc<Session>>,
    keychain_failed: std::sync::Mutex<Option<(std::time::Instant, KeychainError)>>,
    launch: Arc<Launch>,
}

impl Current {
    /// The account `record`, to be started when first used.
    pub fn new(record: AccountRecord, launch: Arc<Launch>) -> Self {
        let entry = match &record {
            AccountRecord::Local => None,
            AccountRecord::Zoom(z) => Some(TokenEntry::new(
                launch.keychain.clone(),
                z.keychain_entry.clone(),
            )),
        };
        Self::with(
            record,
            entry,
            None,
            None,
            tokio::sync::OnceCell::new(),
            launch,
        )
    }

    /// A Zoom account just signed in, its session already live. Without an `entry` (memory
    /// only), even its cache stays off the disk. `cache` is the same account's cache from
    /// before, when it signed in again.
    pub fn signed_in(
        record: AccountRecord,
        session: Session,
        entry: Option<TokenEntry>,
        memory_only: Option<String>,
        cache: Option<Arc<CacheFile>>,
        launch: Arc<Launch>,
    ) -> Self {
        let session = tokio::sync::OnceCell::new_with(Some(Arc::new(session)));
        Self::with(record, entry, memory_only, cache, session, launch)
    }

    fn with(
        record: AccountRecord,
        entry: Option<TokenEntry>,
        memory_only: Option<String>,
        cache: Option<Arc<CacheFile>>,
        session: tokio::sync::OnceCell<Arc<Session>>,
        launch: Arc<Launch>,
    ) -> Self {
        let cache = cache.unwrap_or_else(|| {
            Arc::new(if memory_only.is_some() {
                CacheFile::in_memory()
            } else {
                CacheFile::open_cache(account_dir(&launch.data_dir, &record).join("cache.json"))
            })
        });
        Self {
            record,
            cache,
            entry,
            memory_only,
            session,
            keychain_failed: std::sync::Mutex::new(None),
            launch,
        }
    }

    /// The connection, started on first use (the local service, or the Zoom client with the
    /// refresh token from the keychain).
    pub async fn session(&self) -> Result<Arc<Session>, Error> {
        if let Some(session) = self.session.get() {
            return Ok(session.clone());
        }
        if let Some((at, err)) = &*self
            .keychain_failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
        {
            if at.elapsed() < KEYCHAIN_RETRY_AFTER {
                return Err(Error::Keychain(err.clone()));
            }
        }
        let started = self
            .session
            .get_or_try_init(|| async {
                let session = match (&self.record, &self.entry) {
                    (AccountRecord::Zoom(z), Some(entry)) => start_zoom(z, entry).await,
                    _ => start_local(&self.launch).await,
                }?;
                Ok::<_, Error>(Arc::new(session))
            })
            .await
            .cloned();
        if let Err(Error::Keychain(err)) = &started {
            *self
                .keychain_failed
                .lock()
                .unwrap_or_else(|p| p.into_inner()) =
                Some((std::time::Instant::now(), err.clone()));
        }
        started
    }

    /// The connection if it was started.
    pub fn started(&self) -> Option<Arc<Session>> {
        self.session.get().cloned()
    }

    /// Why the latest refresh token is not in the keychain, if it is not.
    pub fn keychain_problem(&self) -> Option<String> {
        self.memory_only
            .clone()
            .or_else(|| self.entry.as_ref()?.problem())
    }
}

/// Starts the built-in account. Its client secret is made fresh at each launch and lives only
/// in memory, so no secret is ever written to disk. The port is kept between launches, so links
/// copied yesterday still open today.
async fn start_local(launch: &Launch) -> Result<Session, Error> {
    let dir = local_service_dir(&launch.data_dir);
    crate::store::make_private(&dir).map_err(Error::file)?;
    let port_file = dir.join("port");
    let mut config = Config::new(&dir);
    config.client_secret = Alphanumeric.sample_string(&mut rand::rng(), 40);
    config.timezone = local_time_zone();
    config.enable_faults = launch.local_faults;
    let remembered = std::fs::read_to_string(&port_file)
        .ok()
        .and_then(|p| p.trim().parse::<u16>().ok());
    if let Some(port) = remembered {
        config.listen = SocketAddr::from(([127, 0, 0, 1], port));
    }
    let sandbox = match Sandbox::start(config.clone()).await {
        Ok(sandbox) => sandbox,
        // The port is taken now: take another one, and remember it.
        Err(StartError::Listen { .. }) if remembered.is_some() => {
            config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
            Sandbox::start(config)
                .await
                .map_err(|e| Error::LocalAccount(e.to_string()))?
        }
        Err(e) => return Err(Error::LocalAccount(format!("{e} (in {})", dir.display()))),
    };
    if remembered != Some(sandbox.addr().port()) {
        crate::store::write_durably(&port_file, sandbox.addr().port().to_string().as_bytes())
            .map_err(Error::file)?;
    }
    let client_config = ClientConfig::local(sandbox.base_url())?;
    let http = client_config.http_client()?;
    let c = sandbox.config();
    let zoom = ZoomClient::new(
        http,
        client_config,
        Credentials::AccountCredentials {
            account_id: c.account_id.clone(),
            client_id: c.client_id.clone(),
            client_secret: SecretString::from(c.client_secret.clone()),
        },
    );
    tracing::info!(base = sandbox.base_url(), "built-in local account started");
    Ok(Session {
        zoom,
        _local: Some(sandbox),
    })
}

/// A Zoom account from an earlier run: its refresh token from the keychain.
async fn start_zoom(account: &ZoomAccount, entry: &TokenEntry) -> Result<Session, Error> {
    let token = entry.keychain().load(entry.name()).await?.ok_or_else(|| {
        Error::Zoom(zoom_api::Error::SignInAgain(
            "the saved sign-in is not in the system keychain".into(),
        ))
    })?;
    let config = ZoomEndpoints {
        oauth_url: account.oauth_url.clone(),
        api_url: account.api_url.clone(),
    }
    .client_config()?;
    let zoom = ZoomClient::new(
        config.http_client()?,
        config,
        Credentials::RefreshToken {
            client_id: account.client_id.clone(),
            client_secret: None,
            refresh_token: token,
        },
    );
    tracing::info!(api = %account.api_url, "Zoom account restored from the keychain");
    Ok(Session::zoom(saving_rotations(zoom, entry)))
}

/// The client, saving every rotated refresh token to `entry` before it is used.
pub fn saving_rotations(zoom: ZoomClient, entry: &TokenEntry) -> ZoomClient {
    let entry = entry.clone();
    zoom.on_refresh_token(move |token| {
        let entry = entry.clone();
        async move { entry.save_rotated(token).await }
    })
}

/// Where Zoom's OAuth server and API are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoomEndpoints {
    pub oauth_url: String,
    pub api_url: String,
}

impl Default for ZoomEndpoints {
    fn default() -> Self {
        Self {
            oauth_url: "https://zoom.us".into(),
            api_url: "https://api.zoom.us/v2".into(),
        }
    }
}

impl ZoomEndpoints {
    pub fn client_config(&self) -> Result<ClientConfig, Error> {
        let slash = |u: &str| format!("{}/", u.trim_end_matches('/'));
        Ok(ClientConfig::with_bases(
            &slash(&self.api_url),
            &slash(&self.oauth_url),
        )?)
    }
}

/// A keychain entry name for a new sign-in.
pub fn new_keychain_entry() -> String {
    format!(
        "zoom-refresh-token-{}",
        Alphanumeric.sample_string(&mut rand::rng(), 16)
    )
}

/// How long the browser has to come back, and the keychain to answer.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    pub sign_in: Duration,
    pub keychain: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Self {
            sign_in: Duration::from_secs(5 * 60),
            keychain: Duration::from_secs(20),
        }
    }
}

/// The system's IANA time zone, or UTC when it cannot be read.
fn local_time_zone() -> String {
    std::env::var("TZ")
        .ok()
        .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
        .or_else(|| {
            std::fs::read_link("/etc/localtime").ok().and_then(|p| {
                let text = p.to_string_lossy().into_owned();
                text.split("zoneinfo/").nth(1).map(str::to_owned)
            })
        })
        .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
        .unwrap_or_else(|| "UTC".into())
}
