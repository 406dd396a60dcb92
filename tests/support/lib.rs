//! Launches the real PMI Desk binary through `tauri-driver` (which drives WebKitWebDriver) with a
//! fresh data folder, and hands the test a WebDriver session on its window.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};

pub fn workspace_root() -> PathBuf {
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

/// What the app's data folder holds that contains `needle`: the paths of those files.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
                .unwrap_or(false)
            {
                found.push(path);
            }
        }
    }
    found
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
        Self::launch_with(data_dir, &[]).await
    }

    /// Launches the app with extra environment variables (e.g. a GTK theme).
    pub async fn launch_with(data_dir: &Path, env: &[(&str, &str)]) -> Result<Self> {
        let binary = app_binary();
        if !binary.exists() {
            bail!(
                "the app is not built: {} is missing (run `cargo build -p pmi-desk`)",
                binary.display()
            );
        }
        let port = free_port()?;
        let native_port = free_port()?;
        // xdg-open hands links to $BROWSER outside a desktop environment: record them instead.
        let opened = data_dir.join("opened-links.txt");
        let browser = data_dir.join("record-link.sh");
        std::fs::create_dir_all(data_dir)?;
        std::fs::write(
            &browser,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n{}",
                opened.display(),
                // With PMI_DESK_TEST_SIGN_IN it also plays the browser on Zoom's sign-in page:
                // `follow` it (approved at once), `deny` on the consent page, or come back with a
                // `forge`d state.
                "case \"$1\" in *'/oauth/authorize'*)\n\
                 get() { curl -sf --noproxy '*' \"$@\"; }\n\
                 case \"$PMI_DESK_TEST_SIGN_IN\" in\n\
                 follow) get -L -o /dev/null \"$1\";;\n\
                 deny) ticket=$(get \"$1\" | sed -n 's/.*name=\"ticket\" value=\"\\([^\"]*\\)\".*/\\1/p')\n\
                   get -L -o /dev/null --data \"ticket=$ticket&decision=deny\" \"${1%%/oauth/authorize*}/oauth/authorize\";;\n\
                 forge) back=$(get -o /dev/null -w '%{redirect_url}' \"$1\")\n\
                   get -o /dev/null \"$(printf '%s' \"$back\" | sed 's/state=[^&]*/state=forged/')\";;\n\
                 esac;;\n\
                 esac\n"
            ),
        )?;
        std::fs::set_permissions(
            &browser,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )?;
        let driver = Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("PMI_DESK_DATA_DIR", data_dir)
            .env("PMI_DESK_LOCAL_FAULTS", "1")
            .env("BROWSER", &browser)
            .env_remove("XDG_CURRENT_DESKTOP")
            .envs(env.iter().copied())
            // Its own process group, so the driver, WebKitWebDriver and the app end together.
            .process_group(0)
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
        // A session waits for the app's window; an app that never shows one (say, it handed over
        // to an instance still alive on the same data) must fail the test, not hang it.
        let mut builder = ClientBuilder::native();
        builder.capabilities(caps);
        let address = format!("http://127.0.0.1:{port}");
        let connecting = builder.connect(&address);
        let client = match tokio::time::timeout(Duration::from_secs(60), connecting).await {
            Ok(connected) => connected.context("cannot open a WebDriver session on the app")?,
            Err(_) => {
                let group = format!("-{}", driver.id());
                let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
                bail!("the app showed no window within 60 s");
            }
        };
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

    pub async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("no element matches {css}"))
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking {css}"))?;
        Ok(())
    }

    /// Types into a text field, replacing what was there, as a person would.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let field = self.find(css).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    /// Sets a native date, time or select control (their pickers cannot be typed into through
    /// WebDriver) and fires `input` and `change`, as choosing a value does.
    pub async fn choose(&self, id: &str, value: &str) -> Result<()> {
        self.find(&format!("#{id}")).await?;
        self.client
            .execute(
                "const el = document.getElementById(arguments[0]); el.value = arguments[1]; \
                 el.dispatchEvent(new Event('input', {bubbles: true})); \
                 el.dispatchEvent(new Event('change', {bubbles: true})); return el.value;",
                vec![id.into(), value.into()],
            )
            .await?;
        Ok(())
    }

    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        Ok(self.find(css).await?.attr(name).await?)
    }

    pub async fn value_of(&self, css: &str) -> Result<String> {
        Ok(self
            .find(css)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    /// Waits until the element's text satisfies `ok`, returning it.
    pub async fn wait_for_text(&self, css: &str, ok: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if ok(&text) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                bail!("{css} never showed the expected text; last: {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// Waits until `count(css) == n`.
    pub async fn wait_for_count(&self, css: &str, n: usize) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.count(css).await? != n {
            if Instant::now() > deadline {
                bail!("expected {n} of {css}, found {}", self.count(css).await?);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// The links the app asked the system to open, in order.
    pub fn opened_links(&self) -> Vec<String> {
        std::fs::read_to_string(self.data_dir.join("opened-links.txt"))
            .map(|t| t.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// The built-in account's service, where the test can arm faults.
    pub fn local_service(&self) -> Result<String> {
        let port = std::fs::read_to_string(self.data_dir.join("local-account/port"))?;
        Ok(format!("http://127.0.0.1:{}", port.trim()))
    }

    /// Arms a fault on the built-in service (`PMI_DESK_LOCAL_FAULTS=1` is set for the app).
    pub async fn arm_fault(&self, fault: serde_json::Value) -> Result<()> {
        let status = reqwest::Client::new()
            .post(format!("{}/_sandbox/faults", self.local_service()?))
            .json(&fault)
            .send()
            .await?
            .status();
        if status != 204 {
            bail!("arming the fault failed: {status}");
        }
        Ok(())
    }

    pub async fn clear_faults(&self) -> Result<()> {
        reqwest::Client::new()
            .delete(format!("{}/_sandbox/faults", self.local_service()?))
            .send()
            .await?;
        Ok(())
    }

    /// Saves a PNG of the window to `docs/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        // A page that stops painting must fail the test, not hang it (WebKitWebDriver once
        // waited forever here).
        let patience = Duration::from_secs(30);
        // What the DOM says now is painted only by the next frames: wait for two.
        tokio::time::timeout(
            patience,
            self.client.execute_async(
                "const done = arguments[0]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            ),
        )
        .await
        .with_context(|| format!("the page painted no frame within 30 s for {name}"))??;
        tokio::time::sleep(Duration::from_millis(150)).await;
        let png = tokio::time::timeout(patience, self.client.screenshot())
            .await
            .with_context(|| format!("no screenshot within 30 s for {name}"))??;
        let path = docs_dir().join(format!("{name}.png"));
        std::fs::create_dir_all(docs_dir())?;
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Ends the session (the app exits) and stops tauri-driver.
    pub async fn quit(self) -> Result<()> {
        let closed = self.client.clone().close().await;
        drop(self);
        closed.context("closing the WebDriver session")?;
        Ok(())
    }
}

impl Drop for App {
    /// Stops the whole process group: killing only tauri-driver would leave WebKitWebDriver (and
    /// perhaps the app) running, holding the test's output open.
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
        // Until the whole group is gone, the app may still hold its single-instance name, and a
        // launch on the same data right after would hand over to it instead of opening.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline
            && Command::new("kill")
                .args(["-0", "--", &group])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The system clipboard's text, read from outside the app as another program would.
pub fn clipboard_text() -> Result<String> {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .context("running xclip")?;
    if !out.status.success() {
        bail!("xclip failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// An access token for the admin of a local service with the default credentials.
pub async fn admin_token(sandbox: &zoom_sandbox::Sandbox) -> Result<String> {
    let token: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", sandbox.base_url()))
        .basic_auth(
            zoom_sandbox::DEFAULT_CLIENT_ID,
            Some(zoom_sandbox::DEFAULT_CLIENT_SECRET),
        )
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", zoom_sandbox::DEFAULT_ACCOUNT_ID),
        ])
        .send()
        .await?
        .json()
        .await?;
    Ok(token["access_token"]
        .as_str()
        .context("no access token")?
        .to_owned())
}

/// Locks settings on the built-in account of `data_dir` through the admin API, as an account
/// admin would, before the app starts on that folder.
pub async fn lock_on_account(data_dir: &Path, locks: serde_json::Value) -> Result<()> {
    let config = zoom_sandbox::Config::new(data_dir.join("local-account"));
    let sandbox = zoom_sandbox::Sandbox::start(config).await?;
    let http = reqwest::Client::new();
    let token = admin_token(&sandbox).await?;
    let status = http
        .patch(format!(
            "{}/v2/accounts/me/lock_settings",
            sandbox.base_url()
        ))
        .bearer_auth(token)
        .json(&locks)
        .send()
        .await?
        .status();
    sandbox.stop().await;
    if status != 204 {
        bail!("locking failed: {status}");
    }
    Ok(())
}
