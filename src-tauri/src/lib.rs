//! PMI Desk's desktop shell: wires the account, the commands, the tray and the window. No business
//! rules live here; they are in `pmi-core`, and Zoom's API is in `zoom-api`.

mod account;
mod asks;
mod clipboard;
mod commands;
mod desk;
mod error;
#[cfg(all(target_os = "linux", not(test)))]
mod gpu;
mod keychain;
mod notify;
mod page;
mod reminders;
mod shortcuts;
mod sign_in;
mod store;
pub mod tray;
pub mod views;

#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use tauri::webview::PageLoadEvent;
use tauri::{AppHandle, Manager, Runtime, WindowEvent};

pub use account::{Patience, ZoomEndpoints};
pub use clipboard::Clipboard;
pub use desk::{Desk, ZoomSignIn};
pub use error::Error;

/// The commands the UI may call; `build.rs` declares the same names for the capabilities.
#[macro_export]
macro_rules! app_commands {
    () => {
        tauri::generate_handler![
            $crate::commands::overview,
            $crate::commands::personal_room,
            $crate::commands::set_instant_pmi,
            $crate::commands::new_meeting,
            $crate::commands::start_meeting,
            $crate::commands::ui_shown,
            $crate::commands::window_ask,
            $crate::commands::invitation,
            $crate::commands::understand_join,
            $crate::commands::join,
            $crate::commands::join_offer,
            $crate::commands::start_personal_room,
            $crate::commands::pmi_busy_now,
            $crate::commands::check_schedule,
            $crate::commands::schedule_meeting,
            $crate::commands::meeting,
            $crate::commands::update_meeting,
            $crate::commands::delete_meeting,
            $crate::commands::copy_personal_link,
            $crate::commands::copy_join_link,
            $crate::commands::copy_invitation,
            $crate::commands::email_invitation,
            $crate::commands::set_room_settings,
            $crate::commands::preferences,
            $crate::commands::set_preferences,
            $crate::commands::account,
            $crate::commands::sign_in,
            $crate::commands::cancel_sign_in,
            $crate::commands::sign_out,
            $crate::commands::check_pmi,
            $crate::commands::set_pmi,
            $crate::commands::check_vanity_name,
            $crate::commands::set_vanity_name,
        ]
    };
}

/// How the app was started: read from the environment once, in `run`, or given by tests.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `PMI_DESK_DATA_DIR`: another data folder than the app's own.
    pub data_dir: Option<PathBuf>,
    /// `PMI_DESK_LOCAL_FAULTS=1` in a debug build: the built-in service serves its fault route
    /// (for tests).
    pub local_faults: bool,
    /// Where links go: the system's opener, or `PMI_DESK_OPEN_WITH`.
    pub open_with: Opener,
    /// Where "Sign in with Zoom" goes and with which Client ID.
    pub zoom: ZoomSignIn,
    /// Where "Other Calendars" writes `.ics` files; the Downloads folder when `None`.
    pub calendar_dir: Option<PathBuf>,
    /// Whether the account starts, and the overview is read, as the app starts, for the window's
    /// page to carry it (`Desk::warm_up`): the app's own start; tests warm up when they mean to.
    pub warm_up: bool,
}

impl Options {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let seconds = |name: &str| {
            var(name)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(std::time::Duration::from_secs)
        };
        let defaults = ZoomEndpoints::default();
        let patience = Patience::default();
        Options {
            data_dir: std::env::var_os("PMI_DESK_DATA_DIR").map(PathBuf::from),
            // A released app never misbehaves on request.
            local_faults: cfg!(debug_assertions)
                && std::env::var("PMI_DESK_LOCAL_FAULTS").is_ok_and(|v| v == "1"),
            open_with: var("PMI_DESK_OPEN_WITH")
                .map(Opener::Program)
                .unwrap_or_default(),
            calendar_dir: None,
            warm_up: true,
            zoom: ZoomSignIn {
                client_id_from_env: var("PMI_DESK_ZOOM_CLIENT_ID"),
                client_id_built_in: option_env!("PMI_DESK_ZOOM_CLIENT_ID").map(str::to_owned),
                endpoints: ZoomEndpoints {
                    oauth_url: var("PMI_DESK_ZOOM_OAUTH_URL").unwrap_or(defaults.oauth_url),
                    api_url: var("PMI_DESK_ZOOM_API_URL").unwrap_or(defaults.api_url),
                },
                patience: Patience {
                    sign_in: seconds("PMI_DESK_SIGN_IN_TIMEOUT_SECS").unwrap_or(patience.sign_in),
                    keychain: seconds("PMI_DESK_KEYCHAIN_TIMEOUT_SECS")
                        .unwrap_or(patience.keychain),
                },
            },
        }
    }
}

/// Where the app's links go.
#[derive(Debug, Clone, Default)]
pub enum Opener {
    /// The system's opener: the default browser, mail client, or the Zoom app.
    #[default]
    System,
    /// A program run with the link as its one argument (`PMI_DESK_OPEN_WITH`): another browser
    /// than the default one, or, in the end-to-end tests, one that records the links.
    Program(String),
    /// The IPC tests: the link is handed to this function instead of being opened.
    #[cfg(test)]
    Record(fn(&str)),
}

/// Opens a link with the options' opener. Only links PMI Desk means to open get there: see
/// `may_open`.
pub(crate) fn open<R: Runtime>(app: &AppHandle<R>, url: &str) -> Result<(), Error> {
    use tauri_plugin_opener::OpenerExt;
    let trusted = app
        .try_state::<Desk>()
        .map(|desk| desk.loopback_origins())
        .unwrap_or_default();
    may_open(url, &trusted)?;
    let with = match app.try_state::<Options>().map(|o| o.open_with.clone()) {
        None | Some(Opener::System) => None,
        Some(Opener::Program(program)) => Some(program),
        #[cfg(test)]
        Some(Opener::Record(record)) => {
            record(url);
            return Ok(());
        }
    };
    app.opener()
        .open_url(url, with)
        .map_err(|e| Error::Open(e.to_string()))
}

/// Whether a link may go to the system's opener: `https:`, the Zoom app's `zoommtg:` and
/// `zoomus:`, `mailto:` (Send Email), and `http:` only to `trusted` loopback origins (the local
/// service the app itself talks to). A start link from a service, or one read back from the
/// cache, could otherwise make the opener run any file or scheme.
pub(crate) fn may_open(link: &str, trusted: &[url::Origin]) -> Result<(), Error> {
    let url = url::Url::parse(link).map_err(|_| Error::Open("it is not a link".into()))?;
    let ok = match url.scheme() {
        "https" | "zoommtg" | "zoomus" | "mailto" => true,
        "http" => trusted.contains(&url.origin()),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::Open(format!(
            "PMI Desk does not open {}: links",
            url.scheme()
        )))
    }
}

/// Turns "start at login" on or off, where the autostart plugin runs.
pub(crate) fn set_start_at_login<R: Runtime>(app: &AppHandle<R>, on: bool) -> Result<(), Error> {
    match app.try_state::<tauri_plugin_autostart::AutoLaunchManager>() {
        Some(manager) => if on {
            manager.enable()
        } else {
            manager.disable()
        }
        .map_err(|e| Error::StartAtLogin(e.to_string())),
        None => Ok(()),
    }
}

/// Says in a native dialog why PMI Desk cannot start and where, then exits with an error, rather
/// than a window with nothing behind it (or a panic nobody sees).
fn cannot_start<R: Runtime>(app: &AppHandle<R>, why: &str) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
    tracing::error!(why, "PMI Desk cannot start");
    // The window hides (or is never shown): the message says it all.
    SHOWN_AT_LAUNCH.store(true, Ordering::Relaxed);
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.hide();
    }
    app.dialog()
        .message(format!("{why}\n\nPMI Desk will close."))
        .title("PMI Desk could not start")
        .kind(MessageDialogKind::Error)
        .show(|_| std::process::exit(1));
}

/// Puts what the commands need in the app's state. The account itself starts on first use, so
/// nothing here waits on the network, the local service or the keychain.
fn setup<R: Runtime>(
    app: &AppHandle<R>,
    options: Options,
) -> Result<(), Box<dyn std::error::Error>> {
    let dir = match &options.data_dir {
        Some(dir) => dir.clone(),
        None => app.path().app_data_dir()?,
    };
    store::make_private(&dir).map_err(|e| {
        format!(
            "PMI Desk cannot use its data folder {}: {e}. Check that it is a folder you can write to.",
            dir.display()
        )
    })?;
    let calendar_dir = match &options.calendar_dir {
        Some(dir) => dir.clone(),
        None => app
            .path()
            .download_dir()
            .unwrap_or_else(|_| dir.join("calendar")),
    };
    app.manage(Desk::new(
        &dir,
        calendar_dir,
        options.local_faults,
        options.zoom.clone(),
    ));
    app.manage(Clipboard::default());
    app.manage(asks::WindowAsks::default());
    app.manage(tray::Busy::default());
    app.manage(tray::Reminded::default());
    app.manage(reminders::Wake::default());
    app.manage(options);
    Ok(())
}

/// The desktop's parts (the tray, reminders, global shortcuts), started once the window shows the
/// room ([`Desktop`]); tests pass one of their own.
pub type DesktopSetup<R> = fn(&AppHandle<R>) -> Result<(), Box<dyn std::error::Error>>;

/// The app on `base` (`tauri::Builder::default()`, or `tauri::test::mock_builder()` in tests),
/// without the parts that need a desktop session (single instance, autostart; the tray comes
/// through `desktop`). Tauri keeps one setup hook, so what starts with the window starts from
/// here; `run` prepares the app's state before it ([`prepare`]).
pub fn app<R: Runtime>(
    base: tauri::Builder<R>,
    options: Options,
    desktop: DesktopSetup<R>,
) -> tauri::Builder<R> {
    base.manage(Desktop(Mutex::new(Some(desktop))))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(app_commands!())
        .setup(move |app| {
            tracing::debug!("setting up");
            if let Err(why) = prepare(app.handle(), &options) {
                cannot_start(app.handle(), &why.to_string());
                return Ok(());
            }
            // On Windows and macOS the window is shown at once, as it always was: only Linux's
            // webview was measured to gain from waiting for the page.
            #[cfg(not(target_os = "linux"))]
            show_at_launch(app.handle(), "it is not shown later on this system");
            #[cfg(target_os = "linux")]
            {
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    tokio::time::sleep(SHOW_ANYWAY).await;
                    show_at_launch(&handle, "its page has not loaded in time");
                });
            }
            tracing::debug!("set up");
            Ok(())
        })
        .on_page_load(|webview, payload| {
            if webview.label() != "main" {
                return;
            }
            match payload.event() {
                // A page going lets its request for the app's asks go (asks.rs).
                PageLoadEvent::Started => {
                    if let Some(asks) = webview.try_state::<asks::WindowAsks>() {
                        asks.page_gone();
                    }
                }
                PageLoadEvent::Finished => {
                    show_at_launch(webview.app_handle(), "its page has loaded");
                }
            }
        })
        .on_window_event(|window, event| {
            // Closing the window keeps the app in the tray.
            if let WindowEvent::CloseRequested { api, .. } = event {
                if window.label() == "main" {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
}

/// Puts what the commands need in the app's state ([`setup`]) and, with `options.warm_up`, starts
/// the account and the overview's read (`Desk::warm_up`), for the window's page to carry it. Done
/// once: `run` calls it as soon as the app is built, before the event loop makes the window, so
/// the account starts while GTK and WebKit make it (the built-in service listens ~15–20 ms after
/// launch, where from Tauri's set-up hook, which runs once the window is made, it listened after
/// 110–140 ms, and a slow disk could keep the overview from the page). The set-up hook calls it
/// too: for an app run otherwise, and to show why it could not when `run`'s call failed (the
/// IPC tests call [`setup`] themselves and warm up when they mean to).
fn prepare<R: Runtime>(
    app: &AppHandle<R>,
    options: &Options,
) -> Result<(), Box<dyn std::error::Error>> {
    if app.try_state::<Desk>().is_some() {
        return Ok(());
    }
    setup(app, options.clone())?;
    if options.warm_up {
        let handle = app.clone();
        tauri::async_runtime::spawn(async move { handle.state::<Desk>().warm_up().await });
    }
    Ok(())
}

/// Whether the main window has had its one showing at launch (or must stay hidden).
static SHOWN_AT_LAUNCH: AtomicBool = AtomicBool::new(false);

/// How long the window waits for its page before it is shown all the same.
#[cfg(target_os = "linux")]
const SHOW_ANYWAY: std::time::Duration = std::time::Duration::from_secs(3);

/// The main window starts hidden (`visible: false` in tauri.conf.json) and, on Linux, is shown
/// once its page has loaded (elsewhere at once, in set-up). A window shown while WebKitGTK's web
/// process is still starting is drawn at once, and GTK's draw of the webview waits for that
/// process's first frame (up to 0.5 s, in which the page, served from this same thread, cannot
/// load): painting without compositing (below) it happened at nearly every launch, and about
/// once in eight with it. Shown when loaded, its first frame is the page's (the Meetings tab with
/// the room when the page carries the overview). Should the page never finish loading, the
/// window is shown after [`SHOW_ANYWAY`].
fn show_at_launch<R: Runtime>(app: &AppHandle<R>, because: &str) {
    if SHOWN_AT_LAUNCH.swap(true, Ordering::Relaxed) {
        return;
    }
    tracing::debug!("the window is shown: {because}");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
    }
    start_desktop_after(app, DESKTOP_ANYWAY);
}

/// Starts the desktop's parts after `delay`, unless they are started by then.
pub(crate) fn start_desktop_after<R: Runtime>(app: &AppHandle<R>, delay: std::time::Duration) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(delay).await;
        start_desktop(&app);
    });
}

/// The desktop's parts of the app, given to [`app`] (`run` gives [`desktop_parts`]): the tray,
/// reminders and global shortcuts. They start once the window shows the personal room (the UI
/// says so, `ui_shown`), or [`DESKTOP_ANYWAY`] after the window is shown. Nothing on the first
/// frame needs them, and started on the main thread before the window, as they were, they held
/// its page back 25–50 ms at each launch (the tray 4–28 ms, the global shortcuts up to 40 ms).
struct Desktop<R: Runtime>(Mutex<Option<DesktopSetup<R>>>);

/// How long after the window is shown the desktop's parts start if the UI has not said it shows
/// the room (no overview yet, or an error in its place).
const DESKTOP_ANYWAY: std::time::Duration = std::time::Duration::from_secs(1);

/// Starts the desktop's parts on the main thread, the first time it is called.
pub(crate) fn start_desktop<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        let Some(start) = handle
            .try_state::<Desktop<R>>()
            .and_then(|d| d.0.lock().unwrap_or_else(PoisonError::into_inner).take())
        else {
            return;
        };
        match start(&handle) {
            Ok(()) => tracing::debug!("the tray, reminders and shortcuts are started"),
            Err(why) => cannot_start(&handle, &why.to_string()),
        }
    });
}

/// When the process started, for the launch times the UI reports (`ui_shown`): as an instant,
/// and as a time of day, to place the moment its page began to load.
static LAUNCHED: std::sync::OnceLock<(std::time::Instant, std::time::SystemTime)> =
    std::sync::OnceLock::new();

/// The time since launch (ms), the first time `said` is set; None after.
fn first_time(said: &AtomicBool) -> Option<u128> {
    (!said.swap(true, Ordering::Relaxed))
        .then(|| LAUNCHED.get().map_or(0, |(t, _)| t.elapsed().as_millis()))
}

/// The time from launch to `origin` (ms since the Unix epoch: the page's
/// `performance.timeOrigin`, when it began to load); None when unknown, or before launch (a
/// clock set back meanwhile).
fn since_launch(origin: Option<f64>) -> Option<u64> {
    ms_between(LAUNCHED.get()?.1, origin?)
}

/// The ms from `from` to `to` (ms since the Unix epoch), rounded; None when `to` is earlier or
/// not a time.
fn ms_between(from: std::time::SystemTime, to: f64) -> Option<u64> {
    let from = from
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64()
        * 1000.0;
    let ms = to - from;
    (ms.is_finite() && ms >= 0.0).then(|| ms.round() as u64)
}

/// The first time the Meetings tab shows the personal room: said once, with the time since
/// launch and, when `origin` is given, the time its page began to load, on the log and on
/// standard output (which `make bench` reads: the part of a launch that is the page's).
pub(crate) fn mark_shown(marks: &std::collections::BTreeMap<String, f64>, origin: Option<f64>) {
    static SAID: AtomicBool = AtomicBool::new(false);
    if let Some(ms) = first_time(&SAID) {
        let page_began = since_launch(origin);
        tracing::info!(
            ms,
            page_began,
            ?marks,
            "the Meetings tab shows the personal room"
        );
        match page_began {
            Some(began) => println!(
                "PMI Desk: Meetings tab shown {ms} ms after launch; its page began {began} ms after launch"
            ),
            None => println!("PMI Desk: Meetings tab shown {ms} ms after launch"),
        }
    }
}

/// The first time the window is live (its buttons wired, the app's asks answered): logged once,
/// with the time since launch; the same moment as [`mark_shown`]'s unless the first frame was
/// painted before the window's script (ui/src/first.ts).
pub(crate) fn mark_live(marks: &std::collections::BTreeMap<String, f64>) {
    static SAID: AtomicBool = AtomicBool::new(false);
    if let Some(ms) = first_time(&SAID) {
        tracing::info!(ms, ?marks, "the window is live");
    }
}

/// WebKitGTK paints through Skia on the GPU and composes its layers with OpenGL. Without a GPU
/// (a virtual machine, a remote desktop, a machine with no GPU driver), Mesa emulates one on the
/// CPU (llvmpipe): painting then costs compiling GPU shaders and rasterising through the
/// emulation (the first frame of the Meetings tab waited up to 0.9 s for it, where Skia's own CPU
/// painting takes a few ms), and composing costs compiling the compositor's shaders before the
/// first frame is shown (~250 ms on two cores, at every launch with a fresh cache) and ~45 MB
/// for the GL contexts. So when PMI Desk can use no GPU device (no DRM render node it may open,
/// no NVIDIA device), it asks WebKit to paint on the CPU and to draw the page without
/// compositing ([`gpu::WITHOUT_A_GPU`]), each unless its variable is set already. `run` calls it
/// before any thread exists, as changing the environment requires. Returns what it set.
#[cfg(all(target_os = "linux", not(test)))]
fn paint_on_the_cpu_without_a_gpu() -> Vec<&'static str> {
    if gpu::has_a_gpu_device() {
        return Vec::new();
    }
    let unset: Vec<_> = gpu::WITHOUT_A_GPU
        .into_iter()
        .filter(|var| std::env::var_os(var).is_none())
        .collect();
    for var in &unset {
        std::env::set_var(var, "1");
    }
    unset
}

/// The tray, reminders and global shortcuts ([`Desktop`]).
#[cfg(not(test))]
fn desktop_parts(app: &AppHandle) -> Result<(), Box<dyn std::error::Error>> {
    tray::create(app)?;
    reminders::spawn(app.clone());
    let keys = app.state::<Desk>().preferences().shortcuts;
    if let Err(err) = shortcuts::apply(app, &keys) {
        tracing::warn!(%err, "the global shortcuts are not registered");
    }
    Ok(())
}

/// Runs the app with its tray (compiled out of unit tests, which have no desktop session).
#[cfg(not(test))]
pub fn run() {
    LAUNCHED.get_or_init(|| (std::time::Instant::now(), std::time::SystemTime::now()));
    #[cfg(target_os = "linux")]
    let painting = paint_on_the_cpu_without_a_gpu();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    #[cfg(target_os = "linux")]
    if !painting.is_empty() {
        tracing::debug!(
            ?painting,
            "no GPU device: WebKit is asked to paint on the CPU"
        );
    }
    let options = Options::from_env();
    let app = app(tauri::Builder::default(), options.clone(), desktop_parts)
        // A second launch focuses the running one.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tray::show_main(app)
        }))
        .manage(shortcuts::Runnable)
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ));
    tracing::debug!("building the app");
    // Built, the app has passed the single-instance check: a second launch has handed over to
    // the first and exited, so it never starts the account on the first one's data folder.
    let app = match app.build(page::serve(tauri::generate_context!())) {
        Ok(app) => app,
        Err(err) => {
            tracing::error!(%err, "PMI Desk could not start");
            std::process::exit(1);
        }
    };
    if let Err(why) = prepare(app.handle(), &options) {
        // Set-up tries again and shows why, once the event loop can show a dialog.
        tracing::debug!(%why, "not prepared before the window");
    }
    app.run(|_, _| {});
}
