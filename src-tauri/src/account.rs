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
use crate::keychain::{Keychain, TokenSaver};
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
    /// Saves each rotated refresh token of a Zoom account.
    pub saver: Option<TokenSaver>,
}

impl Session {
    pub fn zoom(zoom: ZoomClient, saver: Option<TokenSaver>) -> Self {
        Self {
            zoom,
            _local: None,
            saver,
        }
    }
}

/// The account in use: what it is, its cache, and its connection, started on first use.
pub struct Current {
    pub record: AccountRecord,
    pub cache: CacheFile,
    /// Why the session is kept in memory for this run only (the keychain could not take it).
    pub memory_only: Option<String>,
    session: tokio::sync::OnceCell<Arc<Session>>,
    launch: Arc<Launch>,
}

impl Current {
    /// The account `record`, to be started when first used.
    pub fn new(record: AccountRecord, launch: Arc<Launch>) -> Self {
        let cache = CacheFile::open(account_dir(&launch.data_dir, &record).join("cache.json"));
        Self {
            record,
            cache,
            memory_only: None,
            session: tokio::sync::OnceCell::new(),
            launch,
        }
    }

    /// A Zoom account just signed in, its session already live. `memory_only` keeps even its
    /// cache off the disk.
    pub fn signed_in(
        record: AccountRecord,
        session: Session,
        memory_only: Option<String>,
        launch: Arc<Launch>,
    ) -> Self {
        let cache = if memory_only.is_some() {
            CacheFile::in_memory()
        } else {
            CacheFile::open(account_dir(&launch.data_dir, &record).join("cache.json"))
        };
        Self {
            record,
            cache,
            memory_only,
            session: tokio::sync::OnceCell::new_with(Some(Arc::new(session))),
            launch,
        }
    }

    /// The connection, started on first use (the local service, or the Zoom client with the
    /// refresh token from the keychain).
    pub async fn session(&self) -> Result<Arc<Session>, Error> {
        self.session
            .get_or_try_init(|| async {
                let session = match &self.record {
                    AccountRecord::Local => start_local(&self.launch).await?,
                    AccountRecord::Zoom(z) => start_zoom(z, &self.launch.keychain).await?,
                };
                Ok::<_, Error>(Arc::new(session))
            })
            .await
            .cloned()
    }

    /// The connection if it was started.
    pub fn started(&self) -> Option<Arc<Session>> {
        self.session.get().cloned()
    }

    /// Why the latest refresh token is not in the keychain, if it is not.
    pub fn keychain_problem(&self) -> Option<String> {
        self.memory_only
            .clone()
            .or_else(|| self.started()?.saver.as_ref()?.problem())
    }
}

/// Starts the built-in account. Its client secret is made fresh at each launch and lives only
/// in memory, so no secret is ever written to disk. The port is kept between launches, so links
/// copied yesterday still open today.
async fn start_local(launch: &Launch) -> Result<Session, Error> {
    let dir = local_service_dir(&launch.data_dir);
    crate::store::private_dir(&dir).map_err(Error::file)?;
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
        Err(e) => return Err(Error::LocalAccount(e.to_string())),
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
        saver: None,
    })
}

/// A Zoom account from an earlier run: its refresh token from the keychain.
async fn start_zoom(account: &ZoomAccount, keychain: &Keychain) -> Result<Session, Error> {
    let token = keychain
        .load(&account.keychain_entry)
        .await?
        .ok_or_else(|| {
            Error::Zoom(zoom_api::Error::SignInAgain(
                "the saved sign-in is not in the system keychain".into(),
            ))
        })?;
    let config = ZoomEndpoints {
        oauth_url: account.oauth_url.clone(),
        api_url: account.api_url.clone(),
    }
    .client_config()?;
    let saver = TokenSaver::new(keychain.clone(), account.keychain_entry.clone());
    let on_rotate = saver.clone();
    let zoom = ZoomClient::new(
        config.http_client()?,
        config,
        Credentials::RefreshToken {
            client_id: account.client_id.clone(),
            client_secret: None,
            refresh_token: token,
        },
    )
    .on_refresh_token(move |token| on_rotate.save(token));
    tracing::info!(api = %account.api_url, "Zoom account restored from the keychain");
    Ok(Session::zoom(zoom, Some(saver)))
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
