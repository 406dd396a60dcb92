//! The account the app talks to. By default it is the built-in local account: the sandbox service
//! started inside the app on a loopback port, its data in the app's data folder.

use std::path::PathBuf;

use pmi_core::Profile;
use rand::distr::{Alphanumeric, SampleString};
use zoom_api::{ClientConfig, Credentials, SecretString, ZoomClient};
use zoom_sandbox::{Config, Sandbox};

use crate::error::Error;

/// Where the app keeps its data; `PMI_DESK_DATA_DIR` overrides it (tests use a fresh folder).
pub fn data_dir(default: PathBuf) -> PathBuf {
    std::env::var_os("PMI_DESK_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or(default)
}

pub struct Account {
    pub zoom: ZoomClient,
    /// Kept alive while the app runs; `None` for a real Zoom account.
    _local: Option<Sandbox>,
}

impl Account {
    /// Starts the built-in account. Its client secret is made fresh at each launch and lives only
    /// in memory, so no secret is ever written to disk.
    pub async fn start_local(data_dir: PathBuf) -> Result<Self, Error> {
        let mut config = Config::new(data_dir.join("local-account"));
        config.client_secret = Alphanumeric.sample_string(&mut rand::rng(), 40);
        config.timezone = local_time_zone();
        let sandbox = Sandbox::start(config)
            .await
            .map_err(|e| Error::LocalAccount(e.to_string()))?;
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

    pub async fn profile(&self) -> Result<Profile, Error> {
        Ok(self.zoom.me().await?)
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
