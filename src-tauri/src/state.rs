//! The account the app talks to. By default it is the built-in local account: the sandbox service
//! started inside the app on a loopback port, its data in the app's data folder. The port is kept
//! between launches, so links copied yesterday still open today.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use rand::distr::{Alphanumeric, SampleString};
use zoom_api::{ClientConfig, Credentials, SecretString, ZoomClient};
use zoom_sandbox::{Config, Sandbox, StartError};

use crate::error::Error;

/// The built-in account's folder inside the app's data folder.
pub fn local_account_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("local-account")
}

pub struct Account {
    pub zoom: ZoomClient,
    /// The built-in service, kept alive while the app runs; `None` for a real Zoom account.
    _local: Option<Sandbox>,
}

impl Account {
    /// Starts the built-in account. Its client secret is made fresh at each launch and lives only
    /// in memory, so no secret is ever written to disk. `faults` turns on the local service's fault
    /// route (for tests).
    pub async fn start_local(data_dir: &Path, faults: bool) -> Result<Self, Error> {
        let dir = local_account_dir(data_dir);
        let port_file = dir.join("port");
        let mut config = Config::new(&dir);
        config.client_secret = Alphanumeric.sample_string(&mut rand::rng(), 40);
        config.timezone = local_time_zone();
        config.enable_faults = faults;
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
            std::fs::write(&port_file, sandbox.addr().port().to_string()).map_err(Error::file)?;
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
        Ok(Self {
            zoom,
            _local: Some(sandbox),
        })
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
