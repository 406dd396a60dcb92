//! Launches the real PMI Desk binary through `tauri-driver` (which drives WebKitWebDriver on
//! Linux, Microsoft Edge's driver for WebView2 on Windows) with a fresh data folder, and hands the
//! test a WebDriver session on its window.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};

/// A `reqwest` client builder, with the TLS crypto provider reqwest needs installed.
pub fn http_builder() -> reqwest::ClientBuilder {
    zoom_api::install_tls_provider();
    reqwest::Client::builder()
}

/// A plain `reqwest` client, with the TLS crypto provider reqwest needs installed.
pub fn http() -> reqwest::Client {
    zoom_api::install_tls_provider();
    reqwest::Client::new()
}

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
    target
        .join("debug")
        .join(format!("pmi-desk{}", std::env::consts::EXE_SUFFIX))
}

/// A binary of this crate (`record-link`), built by Cargo beside the test's own executable's
/// folder (`target/debug/deps/..`) before any test runs.
fn own_binary(name: &str) -> Result<PathBuf> {
    let test = std::env::current_exe()?;
    let folder = test
        .parent()
        .and_then(Path::parent)
        .context("the test's executable has no folder")?;
    let path = folder.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        bail!(
            "{} is missing (`cargo test -p pmi-desk-e2e` builds it)",
            path.display()
        );
    }
    Ok(path)
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
    let local = workspace_root()
        .join(".tools/bin")
        .join(format!("tauri-driver{}", std::env::consts::EXE_SUFFIX));
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
        std::fs::create_dir_all(data_dir)?;
        // Links are recorded (and a sign-in page played) by `record-link`, not opened.
        let recorder = own_binary("record-link")?;
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("PMI_DESK_DATA_DIR", data_dir)
            .env("PMI_DESK_LOCAL_FAULTS", "1")
            .env("PMI_DESK_TEST_OPENED", data_dir.join("opened-links.txt"))
            // The app's own choices, not the developer's: where links go, how WebKit paints.
            .env_remove("PMI_DESK_OPEN_WITH");
        #[cfg(target_os = "linux")]
        for var in gpu::WITHOUT_A_GPU {
            command.env_remove(var);
        }
        if cfg!(target_os = "linux") {
            // The system's opener itself: xdg-open hands links to $BROWSER outside a desktop
            // environment.
            command
                .env("BROWSER", &recorder)
                .env_remove("XDG_CURRENT_DESKTOP");
        } else {
            command.env("PMI_DESK_OPEN_WITH", &recorder);
        }
        let driver = own_group(command.envs(env.iter().copied()))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start tauri-driver (is it installed? `make test` installs it)")?;
        // tauri-driver listens at once and hands each request to the native driver
        // (WebKitWebDriver) it starts beside it: a session asked for before that one listens
        // fails as a dropped connection. Both ports, then.
        let deadline = Instant::now() + Duration::from_secs(20);
        for (what, port) in [
            ("tauri-driver", port),
            ("the native WebDriver", native_port),
        ] {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                if Instant::now() > deadline {
                    bail!("{what} did not listen on port {port}");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
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
                let mut driver = driver;
                stop_all(&mut driver);
                bail!("the app showed no window within 60 s");
            }
        };
        // The session opens once the page has loaded: the Meetings tab may be the first frame's,
        // painted before the window's script made it live (ui/src/first.ts). A click then would
        // do nothing, so the tests start once the window says it is live.
        let live = client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("#app[data-live]"))
            .await;
        if let Err(err) = live {
            let mut driver = driver;
            let _ = client.close().await;
            stop_all(&mut driver);
            bail!("the window never became live: {err}");
        }
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

    /// In the open Schedule dialog: `topic` on the PMI, `from_now` ahead (local clock), saved.
    pub async fn schedule_on_pmi(&self, topic: &str, from_now: chrono::Duration) -> Result<()> {
        self.find("[data-testid=schedule-dialog]").await?;
        self.type_into("#s-topic", topic).await?;
        self.choose("s-date", &local_time(from_now, "%Y-%m-%d"))
            .await?;
        self.choose("s-time", &local_time(from_now, "%H:%M"))
            .await?;
        self.click("#s-use-pmi").await?;
        self.click("#s-save").await
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
        let status = http()
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
        http()
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
        // On Linux the window as the X server shows it (WebKitWebDriver's screenshot never
        // returns for a page drawn without compositing, as the app draws it without a GPU):
        // raised first above any other (a notification's popup), so that the frames below
        // repaint what was covered.
        #[cfg(target_os = "linux")]
        tokio::task::spawn_blocking(|| X11Window::find(WINDOW_TITLE)?.raise())
            .await?
            .with_context(|| format!("raising the window for {name}"))?;
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
        #[cfg(target_os = "linux")]
        let png = tokio::task::spawn_blocking(|| X11Window::find(WINDOW_TITLE)?.png())
            .await?
            .with_context(|| format!("screenshot for {name}"))?;
        #[cfg(not(target_os = "linux"))]
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
    fn drop(&mut self) {
        stop_all(&mut self.driver);
    }
}

/// Starts `command` as the head of what `stop_all` stops: on Unix, a process group of its own.
fn own_group(command: &mut Command) -> &mut Command {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    command
}

/// Stops tauri-driver with everything it started: killing only tauri-driver would leave the
/// native driver (and perhaps the app) running, holding the test's output open. Returns once
/// they are gone: until then the app may still hold its single-instance name, and a launch on the
/// same data right after would hand over to it instead of opening.
fn stop_all(driver: &mut Child) {
    #[cfg(unix)]
    {
        let group = format!("-{}", driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = driver.wait();
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
    #[cfg(windows)]
    {
        // The whole tree under tauri-driver (msedgedriver, the app, its WebView2 processes).
        let _ = Command::new("taskkill")
            .args(["/F", "/T", "/PID", &driver.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = driver.kill();
        let _ = driver.wait();
        // Termination completes asynchronously: wait until no PMI Desk is left.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline
            && Command::new("tasklist")
                .args(["/FI", "IMAGENAME eq pmi-desk.exe", "/NH"])
                .output()
                .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("pmi-desk.exe"))
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The system clipboard, as another program on the desktop holds it. One for the whole test
/// process: on X11 what it copies is served from it for as long as it lives.
fn clipboard() -> Result<std::sync::MutexGuard<'static, arboard::Clipboard>> {
    static CLIPBOARD: OnceLock<Mutex<arboard::Clipboard>> = OnceLock::new();
    let clipboard = match CLIPBOARD.get() {
        Some(clipboard) => clipboard,
        None => {
            let made = arboard::Clipboard::new().context("no system clipboard")?;
            CLIPBOARD.get_or_init(|| Mutex::new(made))
        }
    };
    Ok(clipboard
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// The system clipboard's text, read from outside the app as another program would.
pub fn clipboard_text() -> Result<String> {
    clipboard()?
        .get_text()
        .context("reading the system clipboard")
}

/// Puts `text` on the system clipboard from outside the app, as a person copying a link would.
pub fn copy_elsewhere(text: &str) -> Result<()> {
    clipboard()?
        .set_text(text)
        .context("writing the system clipboard")
}

/// The app's window title (src-tauri/tauri.conf.json).
#[cfg(target_os = "linux")]
const WINDOW_TITLE: &str = "PMI Desk";

/// A shown window on the X server (Xvfb, or a desktop's under `PMI_DESK_TEST_DISPLAY`).
#[cfg(target_os = "linux")]
struct X11Window {
    conn: x11rb::rust_connection::RustConnection,
    /// The window titled as asked.
    window: u32,
    /// Its top-level ancestor: itself, or the frame a window manager put it in.
    top: u32,
}

#[cfg(target_os = "linux")]
impl X11Window {
    /// The shown window titled `title`, anywhere in the tree (the topmost where there are
    /// several: the tree is walked depth first from the top of the stack); windows that vanish
    /// while it is looked for are passed over.
    fn find(title: &str) -> Result<Self> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, MapState};

        let (conn, screen) = x11rb::connect(None).context("connecting to the X server")?;
        let root = conn.setup().roots[screen].root;
        let shown_with_title = |window: u32| -> Result<bool> {
            let attributes = conn.get_window_attributes(window)?.reply()?;
            let name = conn
                .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)?
                .reply()?;
            Ok(attributes.map_state == MapState::VIEWABLE && name.value == title.as_bytes())
        };
        // Children come bottom to top: popped from the end, the topmost is seen first.
        let mut to_see: Vec<(u32, u32)> = Vec::new();
        if let Ok(tree) = conn.query_tree(root)?.reply() {
            to_see.extend(tree.children.into_iter().map(|top| (top, top)));
        }
        while let Some((window, top)) = to_see.pop() {
            if shown_with_title(window).unwrap_or(false) {
                return Ok(X11Window { conn, window, top });
            }
            if let Ok(tree) = conn.query_tree(window)?.reply() {
                to_see.extend(tree.children.into_iter().map(|child| (child, top)));
            }
        }
        bail!("no window “{title}” is shown")
    }

    /// Puts the window above every other.
    fn raise(&self) -> Result<()> {
        use x11rb::protocol::xproto::{ConfigureWindowAux, ConnectionExt, StackMode};
        use x11rb::wrapper::ConnectionExt as _;

        self.conn.configure_window(
            self.top,
            &ConfigureWindowAux::new().stack_mode(StackMode::ABOVE),
        )?;
        self.conn.sync()?;
        Ok(())
    }

    /// A PNG of the window as the server shows it.
    fn png(&self) -> Result<Vec<u8>> {
        use x11rb::connection::Connection;
        use x11rb::image::{Image, PixelLayout};
        use x11rb::protocol::xproto::ConnectionExt;

        let size = self.conn.get_geometry(self.window)?.reply()?;
        let (image, visual) = Image::get(&self.conn, self.window, 0, 0, size.width, size.height)?;
        let visual = self
            .conn
            .setup()
            .roots
            .iter()
            .flat_map(|screen| &screen.allowed_depths)
            .flat_map(|depth| &depth.visuals)
            .find(|v| v.visual_id == visual)
            .context("the window's visual is not the server's")?;
        let layout = PixelLayout::from_visual_type(*visual)?;
        let mut rgb = Vec::with_capacity(usize::from(size.width) * usize::from(size.height) * 3);
        for y in 0..size.height {
            for x in 0..size.width {
                let (r, g, b) = layout.decode(image.get_pixel(x, y));
                rgb.extend([r, g, b].map(|c| c.to_be_bytes()[0]));
            }
        }
        let mut png = Vec::new();
        let mut encoder = png::Encoder::new(&mut png, size.width.into(), size.height.into());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header()?.write_image_data(&rgb)?;
        Ok(png)
    }
}

/// The app's own rule for whether there is a GPU device this user may paint with (the file is
/// the app's), for the tests and `make bench` to know what the app chooses here.
#[cfg(target_os = "linux")]
#[path = "../../src-tauri/src/gpu.rs"]
mod gpu;
#[cfg(target_os = "linux")]
pub use gpu::{has_a_gpu_device, WITHOUT_A_GPU};

/// Local time `from_now` ahead, in strftime `format` (e.g. `"%Y-%m-%d"`, `"%H:%M"`).
pub fn local_time(from_now: chrono::Duration, format: &str) -> String {
    (chrono::Local::now() + from_now).format(format).to_string()
}

/// Tomorrow's date, `yyyy-mm-dd`, in local time.
pub fn tomorrow() -> String {
    (chrono::Local::now().date_naive() + chrono::Days::new(1))
        .format("%Y-%m-%d")
        .to_string()
}

/// An access token for the admin of a local service with the default credentials.
pub async fn admin_token(sandbox: &zoom_sandbox::Sandbox) -> Result<String> {
    let token: serde_json::Value = http()
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
    let http = http();
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
