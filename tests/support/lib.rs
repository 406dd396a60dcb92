//! Launches the real PMI Desk binary through `tauri-driver` (which drives WebKitWebDriver) with a
//! fresh data folder, and hands the test a WebDriver session on its window.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The app binary: `PMI_DESK_APP`, else the workspace's debug build.
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PMI_DESK_APP") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("debug").join("pmi-desk")
}

/// `tauri-driver`: `TAURI_DRIVER`, else the copy `make test` installs in `.tools`, else PATH.
fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let local = workspace_root().join(".tools/bin/tauri-driver");
    if local.exists() {
        local
    } else {
        PathBuf::from("tauri-driver")
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Where screenshots go: `docs/` (kept for the README).
pub fn docs_dir() -> PathBuf {
    workspace_root().join("docs")
}

pub struct App {
    pub client: Client,
    driver: Child,
    /// The app's data folder; a test may reuse it to relaunch on the same data.
    pub data_dir: PathBuf,
    _owned_dir: Option<tempfile::TempDir>,
}

impl App {
    /// Launches the app on a fresh, empty data folder (no account configured).
    pub async fn launch_fresh() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().to_path_buf();
        let mut app = Self::launch_on(&path).await?;
        app._owned_dir = Some(dir);
        Ok(app)
    }

    /// Launches the app on an existing data folder.
    pub async fn launch_on(data_dir: &Path) -> Result<Self> {
        let binary = app_binary();
        if !binary.exists() {
            bail!(
                "the app is not built: {} is missing (run `cargo build -p pmi-desk`)",
                binary.display()
            );
        }
        let port = free_port()?;
        let native_port = free_port()?;
        let driver = Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("PMI_DESK_DATA_DIR", data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start tauri-driver (is it installed? `make test` installs it)")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("tauri-driver did not listen on port {port}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary }),
        );
        caps.insert("browserName".into(), "wry".into());
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("cannot open a WebDriver session on the app")?;
        Ok(Self {
            client,
            driver,
            data_dir: data_dir.to_path_buf(),
            _owned_dir: None,
        })
    }

    /// The text of the first element matching `css`, waiting up to 15 s for it to appear.
    pub async fn text_of(&self, css: &str) -> Result<String> {
        let element = self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no element matches {css}"))?;
        Ok(element.text().await?)
    }

    /// Saves a PNG of the window to `docs/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let path = docs_dir().join(format!("{name}.png"));
        std::fs::create_dir_all(docs_dir())?;
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Ends the session (the app exits) and stops tauri-driver.
    pub async fn quit(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        closed.context("closing the WebDriver session")?;
        Ok(())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
