//! The commands through Tauri's IPC (`tauri::test`), and the tray's actions called directly, on
//! the real built-in account (its service on loopback, its SQLite file in a temporary folder).
//! Clipboard tests need an X display: `make test` runs them under Xvfb. Nothing here changes the
//! process environment: tests run on threads, and changing it under them is not safe.

use std::path::Path;
use std::sync::atomic::Ordering::SeqCst;

use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

use crate::tray::{perform, TrayAction};
use crate::Clipboard;

mod sign_in;

/// The links the app opened, in order, from every test of this process (tests run on threads).
static OPENED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// The tests' opener: records the link, opens nothing, and changes no environment variable.
/// (The end-to-end tests see the real opener hand links to a program.)
fn record_link(link: &str) {
    OPENED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(link.to_owned());
}

fn opened_links() -> Vec<String> {
    OPENED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// Some links are opened from a spawned task: waits up to 5 s for one matching `wanted`.
fn wait_for_opened(wanted: impl Fn(&str) -> bool) -> Option<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        if let Some(link) = opened_links().into_iter().rev().find(|l| wanted(l)) {
            return Some(link);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

struct TestApp {
    app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    dir: tempfile::TempDir,
}

fn start() -> TestApp {
    start_with(tempfile::tempdir().unwrap(), crate::ZoomSignIn::default())
}

/// The app on `dir` (a fresh one, or one an earlier app used: a restart), with `zoom` as the
/// environment would give it.
fn start_with(dir: tempfile::TempDir, zoom: crate::ZoomSignIn) -> TestApp {
    let options = crate::Options {
        zoom,
        ..options_for(&dir)
    };
    launch(dir, options)
}

/// The options of a test app on `dir`: links recorded, `.ics` files kept inside `dir`.
fn options_for(dir: &tempfile::TempDir) -> crate::Options {
    crate::Options {
        data_dir: Some(dir.path().to_path_buf()),
        local_faults: true,
        open_with: crate::Opener::Record(record_link),
        zoom: crate::ZoomSignIn::default(),
        calendar_dir: Some(dir.path().join("Downloads")),
        warm_up: false,
    }
}

fn launch(dir: tempfile::TempDir, options: crate::Options) -> TestApp {
    launch_with_desktop(dir, options, |_| Ok(()))
}

/// The app with `desktop` as its tray, reminders and shortcuts.
fn launch_with_desktop(
    dir: tempfile::TempDir,
    options: crate::Options,
    desktop: crate::DesktopSetup<MockRuntime>,
) -> TestApp {
    let app = crate::app(mock_builder(), options.clone(), desktop)
        .build(tauri::generate_context!())
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    // Tauri runs the setup hook when the event loop starts, which these tests never do: run the
    // same set-up here.
    crate::setup(app.handle(), options).unwrap();
    TestApp { app, webview, dir }
}

/// Where the app's own page is served from, as the webview asks: the custom protocol's origin,
/// which Windows' WebView2 reaches over `http://tauri.localhost`. Commands are allowed for it only.
const APP_ORIGIN: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

impl TestApp {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: APP_ORIGIN.parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn local_service(&self) -> String {
        local_service(self.dir.path())
    }
}

/// A client for calls made by hand, with the TLS provider reqwest needs.
fn http() -> reqwest::Client {
    zoom_api::install_tls_provider();
    reqwest::Client::new()
}

fn local_service(dir: &Path) -> String {
    let port = std::fs::read_to_string(dir.join("local-account/port")).unwrap();
    format!("http://127.0.0.1:{}", port.trim())
}

fn schedule_request(topic: &str, date: &str, time: &str, minutes: u32, use_pmi: bool) -> Value {
    json!({
        "topic": topic, "date": date, "time": time, "duration_minutes": minutes,
        "time_zone": "UTC", "recurrence": null, "use_pmi": use_pmi, "passcode": null,
        "waiting_room": true, "host_video": true, "participant_video": false
    })
}

fn tomorrow() -> String {
    (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn the_overview_shows_the_personal_room_and_no_meetings_on_a_fresh_account() {
    let t = start();
    let o = t.ok("overview", json!({}));
    let pmi = o["room"]["pmi"].as_u64().unwrap();
    assert!(pmi_core::Pmi::choose(&pmi.to_string()).is_ok());
    assert_eq!(
        o["room"]["pmi_formatted"],
        pmi_core::Pmi::new(pmi).unwrap().formatted()
    );
    assert!(o["room"]["personal_link"]
        .as_str()
        .unwrap()
        .ends_with("/my/local.user"));
    assert!(o["room"]["invitation"]
        .as_str()
        .unwrap()
        .contains("Meeting ID:"));
    assert_eq!(o["meetings"], json!([]));
    assert_eq!(o["instant_pmi"], json!({"checked": false, "locked": false}));
}

#[test]
fn the_overview_read_at_launch_answers_the_windows_first_ask_and_only_that() {
    let t = start();
    let desk = t.app.handle().state::<crate::Desk>();
    block(desk.warm_up());
    let at_launch = desk.local_requests_seen().unwrap();
    assert!(at_launch > 0, "the warm-up read the overview");
    let first = t.ok("overview", json!({}));
    assert_eq!(
        desk.local_requests_seen().unwrap(),
        at_launch,
        "the window's first ask is answered with what was read at launch"
    );
    assert!(first["room"]["pmi"].as_u64().is_some());
    // Every later ask reads again: a meeting scheduled now is listed.
    t.ok("schedule_meeting", json!({"request": schedule_request("Later", &tomorrow(), "10:00", 30, false), "calendarFile": false}));
    let second = t.ok("overview", json!({}));
    assert_eq!(second["meetings"][0]["topic"], "Later");
}

/// The overview carried by a page the app served, if it carries one.
fn overview_in_page(page: &[u8]) -> Option<Value> {
    let page = std::str::from_utf8(page).unwrap();
    let open = format!(
        r#"<script type="application/json" id="{}">"#,
        crate::page::LAUNCH_OVERVIEW_ID
    );
    let start = page.find(&open)? + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    assert!(
        page[end..].contains("</head>"),
        "the overview is in the page's head"
    );
    Some(serde_json::from_str(&page[start..end]).expect("the overview in the page is JSON"))
}

#[test]
fn the_page_carries_the_overview_read_at_launch_once_and_then_the_window_reads_anew() {
    use tauri::Assets;
    let t = start();
    let desk = t.app.handle().state::<crate::Desk>();
    let assets = crate::page::PageAssets::of(tauri::generate_context!(), t.app.handle());
    let index = tauri::utils::assets::AssetKey::from("index.html");
    // A topic that would end a script block, and Tauri's CSP nonce placeholder, which Tauri
    // replaces wherever it finds it in a page it serves.
    let topic = "Q4 </script><script>alert(1)</script> __TAURI_SCRIPT_NONCE__";
    t.ok("schedule_meeting", json!({"request": schedule_request(topic, &tomorrow(), "10:00", 30, false), "calendarFile": false}));

    let before = assets.get(&index).unwrap();
    assert_eq!(
        overview_in_page(&before),
        None,
        "before the overview is read, the page is served as built, and asks"
    );

    block(desk.warm_up());
    let read = desk.local_requests_seen().unwrap();
    let page = assets.get(&index).unwrap();
    let carried = overview_in_page(&page).expect("the page carries the overview read at launch");
    assert_eq!(
        carried["meetings"][0]["topic"], topic,
        "the topic is carried unchanged"
    );
    assert!(carried["room"]["pmi"].as_u64().is_some());
    let count = |page: &[u8], what: &str| std::str::from_utf8(page).unwrap().matches(what).count();
    assert_eq!(
        count(&page, "</script>"),
        count(&before, "</script>") + 1,
        "nothing in the overview ends its block"
    );
    assert_eq!(
        count(&page, "__TAURI_"),
        count(&before, "__TAURI_"),
        "the overview holds no placeholder Tauri would replace with its CSP nonce"
    );
    assert_eq!(
        desk.local_requests_seen().unwrap(),
        read,
        "the page is given what was read at launch, with no second read"
    );

    // Given once: a page served again (a reload) asks, and the window's ask reads again.
    assert_eq!(overview_in_page(&assets.get(&index).unwrap()), None);
    let asked = t.ok("overview", json!({}));
    assert!(
        desk.local_requests_seen().unwrap() > read,
        "the window's ask after the page is read anew"
    );
    assert_eq!(asked["meetings"][0]["topic"], topic);
    // The page's other files are served as built.
    let built: tauri::Context<MockRuntime> = tauri::generate_context!();
    let script = assets
        .iter()
        .map(|(path, _)| tauri::utils::assets::AssetKey::from(path.as_ref()))
        .find(|path| path.as_ref().ends_with(".js"))
        .expect("the built page has a script");
    assert_eq!(assets.get(&script), built.assets().get(&script));
}

/// How many times an app started its desktop's parts ([`desktop_app`]).
struct DesktopStarts(std::sync::atomic::AtomicUsize);

/// A fresh app whose desktop's parts only count their starts; the count, by [`desktop_starts`].
fn desktop_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let options = options_for(&dir);
    let app = launch_with_desktop(dir, options, |app| {
        app.state::<DesktopStarts>().0.fetch_add(1, SeqCst);
        Ok(())
    });
    app.app.manage(DesktopStarts(Default::default()));
    app
}

fn desktop_starts(app: &TestApp) -> usize {
    app.app.state::<DesktopStarts>().0.load(SeqCst)
}

#[test]
fn the_tray_reminders_and_shortcuts_start_once_when_the_window_shows_the_room() {
    let app = desktop_app();
    app.invoke("ui_shown", json!({ "marks": { "frame": 60.0 } }))
        .unwrap();
    assert_eq!(desktop_starts(&app), 1, "not started by the room's frame");
    // A page reloaded says so again; the time-out after the window is shown comes too.
    app.invoke("ui_shown", json!({})).unwrap();
    crate::start_desktop(app.app.handle());
    assert_eq!(desktop_starts(&app), 1, "started more than once");
}

#[test]
fn the_first_frames_script_says_the_room_is_shown_and_the_desktop_waits_for_the_live_window() {
    let app = desktop_app();
    app.invoke(
        "ui_shown",
        json!({ "marks": { "frame": 40.0 }, "live": false }),
    )
    .unwrap();
    assert_eq!(
        desktop_starts(&app),
        0,
        "started before the window's buttons were wired and the app's asks answered"
    );
    app.invoke("ui_shown", json!({ "marks": { "mounted": 70.0 } }))
        .unwrap();
    assert_eq!(desktop_starts(&app), 1, "not started by the live window");
}

#[test]
fn without_the_rooms_frame_the_tray_reminders_and_shortcuts_start_after_a_delay() {
    let app = desktop_app();
    crate::start_desktop_after(app.app.handle(), crate::DESKTOP_ANYWAY);
    assert_eq!(desktop_starts(&app), 0, "started before the delay");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while desktop_starts(&app) == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(desktop_starts(&app), 1, "not started after the delay");
}

#[test]
fn use_my_pmi_is_written_and_read_back() {
    let t = start();
    assert_eq!(
        t.ok("set_instant_pmi", json!({"checked": true})),
        json!({"checked": true, "locked": false})
    );
    assert_eq!(t.ok("overview", json!({}))["instant_pmi"]["checked"], true);
    let started = t.ok("new_meeting", json!({}));
    let pmi = t.ok("overview", json!({}))["room"]["pmi_formatted"].clone();
    assert_eq!(started["meeting"]["join_number_formatted"], pmi);
    let digits = pmi.as_str().unwrap().replace(' ', "");
    assert!(started["opened"]
        .as_str()
        .unwrap()
        .contains(&format!("/s/{digits}")));
}

#[test]
fn a_bad_schedule_names_its_fields_and_creates_nothing() {
    let t = start();
    let err = t.invoke("schedule_meeting", json!({"request": schedule_request(" ", &tomorrow(), "25:00", 0, false), "calendarFile": false})).unwrap_err();
    assert_eq!(err["kind"], "invalid_fields");
    let fields: Vec<&str> = err["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["topic", "duration", "time"]);
    assert_eq!(t.ok("overview", json!({}))["meetings"], json!([]));
}

#[test]
fn scheduling_on_the_pmi_gives_an_omn_link_and_a_neighbour_gets_a_warning() {
    let t = start();
    let scheduled = t.ok("schedule_meeting", json!({"request": schedule_request("Design review", &tomorrow(), "10:00", 60, true), "calendarFile": true}));
    let m = &scheduled["meeting"];
    assert_eq!(m["on_pmi"], true);
    assert!(m["join_link"]
        .as_str()
        .unwrap()
        .contains(&format!("omn={}", m["id"])));
    let ics = std::fs::read_to_string(scheduled["calendar_file"].as_str().unwrap()).unwrap();
    assert!(ics.contains("SUMMARY:Design review") && ics.contains("BEGIN:VEVENT"));

    let warnings = t.ok("check_schedule", json!({"request": schedule_request("1:1", &tomorrow(), "11:05", 30, true), "editing": null}));
    assert_eq!(warnings[0]["kind"], "back_to_back");
    assert_eq!(warnings[0]["other_topic"], "Design review");
    let none = t.ok("check_schedule", json!({"request": schedule_request("1:1", &tomorrow(), "11:05", 30, false), "editing": null}));
    assert_eq!(none, json!([]), "a meeting with its own ID shares no room");
    let editing_itself = t.ok("check_schedule", json!({"request": schedule_request("Design review", &tomorrow(), "10:15", 60, true), "editing": m["id"]}));
    assert_eq!(editing_itself, json!([]));
}

#[test]
fn a_calendar_file_that_cannot_be_written_is_said_apart_from_the_scheduled_meeting() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be: no one, root included, can write there.
    std::fs::write(dir.path().join("not-a-folder"), b"").unwrap();
    let options = crate::Options {
        calendar_dir: Some(dir.path().join("not-a-folder/calendar")),
        ..options_for(&dir)
    };
    let t = launch(dir, options);
    let scheduled = t.ok("schedule_meeting", json!({"request": schedule_request("Board", &tomorrow(), "15:00", 30, false), "calendarFile": true}));
    assert_eq!(scheduled["calendar_file"], Value::Null);
    assert!(scheduled["calendar_problem"]
        .as_str()
        .is_some_and(|p| !p.is_empty()));
    assert_eq!(scheduled["meeting"]["topic"], "Board");
    assert_eq!(
        t.ok("overview", json!({}))["meetings"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_long_topic_in_any_script_still_gets_its_calendar_file() {
    let t = start();
    let topic = "年度計画の見直し".repeat(25); // 200 characters, 600 bytes
    let scheduled = t.ok("schedule_meeting", json!({"request": schedule_request(&topic, &tomorrow(), "16:00", 30, false), "calendarFile": true}));
    assert_eq!(scheduled["calendar_problem"], Value::Null);
    let path = std::path::PathBuf::from(scheduled["calendar_file"].as_str().unwrap());
    assert!(path.exists());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.len() <= 255 && name.starts_with("年度計画") && name.ends_with(".ics"),
        "{name}"
    );
}

#[test]
fn two_quick_clicks_on_new_meeting_make_one_meeting() {
    let t = start();
    t.ok("overview", json!({}));
    // The create takes a while, so the second click surely comes while the first is running.
    let armed = block(
        http()
            .post(format!("{}/_sandbox/faults", t.local_service()))
            .json(&json!({"route": "POST /v2/users/me/meetings", "kind": "latency", "latency_ms": 400, "count": 2}))
            .send(),
    );
    assert_eq!(armed.unwrap().status(), 204);
    let handle = t.app.handle().clone();
    let (first, second) = block(async {
        tokio::join!(
            perform(&handle, TrayAction::NewMeeting),
            perform(&handle, TrayAction::NewMeeting)
        )
    });
    let done: Vec<_> = [first.unwrap(), second.unwrap()]
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(done[0].summary, "Meeting started");
    // Once it is done, the next click works again.
    assert!(block(perform(&handle, TrayAction::NewMeeting))
        .unwrap()
        .is_some());
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_every_file_in_it_are_private() {
    use std::os::unix::fs::PermissionsExt;
    // A data folder an older version made readable by everyone is made private.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let options = options_for(&dir);
    let t = launch(dir, options);
    let mut prefs = t.ok("preferences", json!({}));
    prefs["back_to_back_minutes"] = json!(20);
    t.ok("set_preferences", json!({"preferences": prefs}));
    t.ok("schedule_meeting", json!({"request": schedule_request("Private", &tomorrow(), "11:00", 30, true), "calendarFile": false}));
    t.ok("overview", json!({}));
    let data = t.dir.path();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let mut stack = vec![data.to_path_buf()];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for wanted in [
        "sandbox.sqlite3",
        "sandbox.sqlite3-wal",
        "sandbox.sqlite3-shm",
        "cache.json",
        "preferences.json",
        "port",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
    }
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn only_web_zoom_and_mail_links_and_the_own_service_are_opened() {
    let own = url::Url::parse("http://127.0.0.1:4567/v2/")
        .unwrap()
        .origin();
    let trusted = [own];
    for ok in [
        "https://zoom.us/s/123?zak=x",
        "zoommtg://zoom.us/start?confno=123",
        "zoomus://zoom.us/join?confno=123",
        "mailto:?subject=x",
        "http://127.0.0.1:4567/s/123",
    ] {
        assert!(crate::may_open(ok, &trusted).is_ok(), "{ok}");
    }
    for bad in [
        "file:///etc/passwd",
        "/usr/bin/xterm",
        "javascript:alert(1)",
        "smb://host/share",
        "http://127.0.0.1:9999/s/123",
        "http://example.com/s/123",
        "ftp://zoom.us/x",
    ] {
        let err = crate::may_open(bad, &trusted).unwrap_err();
        assert_eq!(crate::Error::kind(&err), "open", "{bad}");
        assert!(!err.to_string().contains("passwd"), "{err}");
    }
    // The app's own local service is trusted once it runs: its start links open.
    let t = start();
    t.ok("overview", json!({}));
    let link = t.ok("start_personal_room", json!({}));
    assert!(link.as_str().unwrap().starts_with("http://127.0.0.1:"));
}

#[test]
fn start_at_login_changes_only_after_the_preferences_are_saved_and_says_when_it_fails() {
    let t = start();
    let desk = t.app.handle().state::<crate::Desk>();
    let mut prefs = desk.preferences();
    prefs.start_at_login = true;
    prefs.back_to_back_minutes = 999;
    let mut asked = Vec::new();
    let err = desk
        .set_preferences(
            prefs.clone(),
            |on| {
                asked.push(on);
                Ok(())
            },
            |_| Ok(()),
        )
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_fields");
    assert!(
        asked.is_empty(),
        "autostart was changed for preferences that were refused"
    );

    prefs.back_to_back_minutes = 20;
    let err = desk
        .set_preferences(
            prefs.clone(),
            |_| Err(crate::Error::StartAtLogin("no autostart folder".into())),
            |_| Ok(()),
        )
        .unwrap_err();
    assert_eq!(err.kind(), "start_at_login");
    let kept = desk.preferences();
    assert!(
        !kept.start_at_login,
        "the choice did not hold, so it is not kept"
    );
    assert_eq!(kept.back_to_back_minutes, 20);

    let saved = desk.set_preferences(
        prefs,
        |on| {
            assert!(on);
            Ok(())
        },
        |_| Ok(()),
    );
    assert!(saved.unwrap().start_at_login);
}

#[test]
fn shortcuts_are_checked_then_applied_and_taken_back_when_the_system_refuses_them() {
    let t = start();
    let desk = t.app.handle().state::<crate::Desk>();
    assert_eq!(
        desk.preferences().shortcuts,
        crate::shortcuts::ShortcutKeys::default(),
        "off by default"
    );
    let mut prefs = desk.preferences();
    prefs.shortcuts.start_room = "Ctrl+Alt+P".into();
    prefs.shortcuts.open_app = "ctrl+alt+p".into();
    let err = t
        .invoke("set_preferences", json!({ "preferences": prefs }))
        .unwrap_err();
    assert_eq!(err["fields"][0]["field"], "shortcut_open_app", "{err}");
    assert_eq!(desk.preferences().shortcuts.start_room, "", "nothing saved");

    prefs.shortcuts.open_app = "Ctrl+Alt+O".into();
    let err = desk
        .set_preferences(
            prefs.clone(),
            |_| Ok(()),
            |keys| {
                if keys.open_app.is_empty() {
                    Ok(())
                } else {
                    Err(crate::Error::InvalidFields(vec![pmi_core::FieldProblem {
                        field: "shortcut_open_app".into(),
                        message: "Another program already uses Ctrl+Alt+O: choose other keys."
                            .into(),
                    }]))
                }
            },
        )
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_fields");
    assert_eq!(
        desk.preferences().shortcuts,
        crate::shortcuts::ShortcutKeys::default(),
        "taken back"
    );
    let saved = t.ok("set_preferences", json!({ "preferences": prefs }));
    assert_eq!(saved["shortcuts"]["start_room"], "Ctrl+Alt+P");

    // A refused start at login: the new shortcuts are kept, and registered, so the file and the
    // system agree.
    let mut next = desk.preferences();
    next.start_at_login = true;
    next.shortcuts.open_app = "Ctrl+Alt+K".into();
    let applied = std::cell::RefCell::new(Vec::new());
    let err = desk
        .set_preferences(
            next,
            |_| Err(crate::Error::StartAtLogin("no autostart folder".into())),
            |keys| {
                applied.borrow_mut().push(keys.open_app.clone());
                Ok(())
            },
        )
        .unwrap_err();
    assert_eq!(err.kind(), "start_at_login");
    assert_eq!(desk.preferences().shortcuts.open_app, "Ctrl+Alt+K");
    assert!(!desk.preferences().start_at_login);
    assert_eq!(*applied.borrow(), ["Ctrl+Alt+K"], "registered as saved");
}

#[test]
fn the_pmi_check_says_when_the_service_cannot_answer() {
    let t = start();
    t.ok("overview", json!({}));
    let request = schedule_request("Check", &tomorrow(), "10:00", 30, true);
    assert_eq!(
        t.ok(
            "check_schedule",
            json!({"request": request, "editing": null})
        ),
        json!([])
    );
    assert!(arm_outage(&t.local_service()));
    let err = t
        .invoke(
            "check_schedule",
            json!({"request": request, "editing": null}),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "unreachable", "{err}");
}

#[test]
fn edit_and_delete_a_meeting() {
    let t = start();
    let m = t.ok("schedule_meeting", json!({"request": schedule_request("Plan", &tomorrow(), "09:00", 30, false), "calendarFile": false}))["meeting"].clone();
    let edited = t.ok("update_meeting", json!({"id": m["id"], "request": schedule_request("Plan B", &tomorrow(), "09:30", 45, false)}));
    assert_eq!(
        (
            edited["topic"].as_str(),
            edited["duration_minutes"].as_u64()
        ),
        (Some("Plan B"), Some(45))
    );
    t.ok("delete_meeting", json!({"id": m["id"]}));
    assert_eq!(t.ok("overview", json!({}))["meetings"], json!([]));
    let err = t
        .invoke("delete_meeting", json!({"id": m["id"]}))
        .unwrap_err();
    assert_eq!(err["kind"], "not_found");
}

/// A weekly meeting in Berlin with its own passcode and settings that are not the defaults.
fn particular_request(topic: &str) -> Value {
    // A week ahead: edits move it by up to a day between zones (07:15 in Tokyo is the evening
    // before in UTC), and tomorrow's date would put it in the past late in the UTC day.
    let date = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    json!({
        "topic": topic, "date": date, "time": "18:30", "duration_minutes": 45,
        "time_zone": "Europe/Berlin",
        "recurrence": {"every": "week", "interval": 2, "weekly_days": [2, 5], "monthly_day": null,
                       "monthly_weekday": null, "end": {"kind": "after", "value": 4}},
        "use_pmi": false, "passcode": "keep12",
        "waiting_room": false, "host_video": false, "participant_video": true
    })
}

/// What must survive an edit that does not touch it.
fn kept(m: &Value) -> Value {
    json!({
        "join_link": m["join_link"], "passcode": m["passcode"], "waiting_room": m["waiting_room"],
        "host_video": m["host_video"], "participant_video": m["participant_video"],
        "recurrence": m["recurrence"], "time_zone": m["time_zone"], "start": m["start"],
        "duration_minutes": m["duration_minutes"], "on_pmi": m["on_pmi"],
    })
}

#[test]
fn editing_only_the_topic_leaves_the_link_the_passcode_and_every_setting_as_they_were() {
    let t = start();
    let id = t.ok(
        "schedule_meeting",
        json!({"request": particular_request("Sync"), "calendarFile": false}),
    )["meeting"]["id"]
        .clone();
    let before = t.ok("meeting", json!({"id": id}));
    assert_eq!(before["passcode"], "keep12");
    assert_eq!(before["recurrence"]["weekly_days"], json!([2, 5]));
    assert_eq!(before["waiting_room"], false);
    assert_eq!(before["participant_video"], true);

    let after = t.ok(
        "update_meeting",
        json!({"id": id, "request": particular_request("Sync, renamed")}),
    );
    assert_eq!(after["topic"], "Sync, renamed");
    assert_eq!(kept(&after), kept(&before));
    assert_eq!(kept(&t.ok("meeting", json!({"id": id}))), kept(&before));
}

#[test]
fn each_field_of_an_edit_is_written_and_read_back() {
    let t = start();
    let id = t.ok(
        "schedule_meeting",
        json!({"request": particular_request("Round trip"), "calendarFile": false}),
    )["meeting"]["id"]
        .clone();
    let edits: Vec<(&str, Value)> = vec![
        ("passcode", json!("new987")),
        ("waiting_room", json!(true)),
        ("host_video", json!(true)),
        ("participant_video", json!(false)),
        ("duration_minutes", json!(90)),
        ("time", json!("07:15")),
        ("time_zone", json!("Asia/Tokyo")),
        (
            "recurrence",
            json!({"every": "month", "interval": 1, "weekly_days": [], "monthly_day": 12, "monthly_weekday": null, "end": {"kind": "by", "value": "2031-06-30T23:59:00Z"}}),
        ),
        // The second Tuesday of every other month, as Zoom's own apps also make them.
        (
            "recurrence",
            json!({"every": "month", "interval": 2, "weekly_days": [], "monthly_day": null, "monthly_weekday": {"week": 2, "day": 3}, "end": {"kind": "after", "value": 6}}),
        ),
        (
            "recurrence",
            json!({"every": "month", "interval": 1, "weekly_days": [], "monthly_day": null, "monthly_weekday": {"week": -1, "day": 6}, "end": {"kind": "after", "value": 3}}),
        ),
        ("recurrence", Value::Null),
        ("passcode", Value::Null),
        ("use_pmi", json!(true)),
    ];
    let mut request = particular_request("Round trip");
    let mut previous = t.ok("meeting", json!({"id": id}));
    for (field, value) in edits {
        request[field] = value.clone();
        let read = t.ok(
            "update_meeting",
            json!({"id": id, "request": request.clone()}),
        );
        match field {
            // 07:15 in the meeting's own zone: another moment than before.
            "time" => assert_ne!(read["start"], previous["start"], "{field}"),
            "use_pmi" => assert_eq!(read["on_pmi"], value, "{field}"),
            _ => assert_eq!(read[field], value, "{field}"),
        }
        assert_eq!(
            read,
            t.ok("meeting", json!({"id": id})),
            "{field} reads back the same"
        );
        previous = read;
    }
    let last = t.ok("meeting", json!({"id": id}));
    assert_eq!(last["on_pmi"], true);
    assert_eq!(last["recurrence"], Value::Null);
    assert_eq!(last["duration_minutes"], 90);
}

#[test]
fn new_meetings_start_from_the_accounts_own_defaults() {
    let t = start();
    let defaults = t.ok("overview", json!({}))["new_meeting"].clone();
    // The built-in account's settings: waiting room off, host video on, participants' off, and
    // a passcode (made to its rules) on new meetings.
    assert_eq!(defaults["waiting_room"], false, "{defaults}");
    assert_eq!(defaults["host_video"], true, "{defaults}");
    assert_eq!(defaults["participant_video"], false, "{defaults}");
    assert!(
        defaults["passcode"].as_str().is_some_and(|p| p.len() >= 6),
        "{defaults}"
    );
}

#[test]
fn starting_a_pmi_session_in_the_zoom_app_keeps_its_own_number() {
    let t = start();
    let mut prefs = t.ok("preferences", json!({}));
    prefs["open_in"] = json!("zoom_app");
    t.ok("set_preferences", json!({"preferences": prefs}));
    let m = t.ok("schedule_meeting", json!({"request": schedule_request("Design review", &tomorrow(), "10:00", 60, true), "calendarFile": false}))["meeting"].clone();
    let started = t.ok("start_meeting", json!({"id": m["id"]}));
    let opened = started["opened"].as_str().unwrap();
    let pmi = t.ok("overview", json!({}))["room"]["pmi"].to_string();
    assert!(
        opened.starts_with(&format!("zoommtg://zoom.us/start?confno={pmi}"))
            && opened.ends_with(&format!("&omn={}", m["id"])),
        "{opened}"
    );
}

#[test]
fn every_pmi_setting_is_written_and_read_back() {
    let t = start();
    let change = json!({
        "waiting_room": true, "join_before_host": true, "jbh_minutes": 10,
        "mute_upon_entry": true, "host_video": true, "participant_video": true,
        "audio": "telephony", "authenticated_only": true,
    });
    let room = t.ok("set_room_settings", json!({"change": change}));
    let expected = json!({
        "waiting_room": true, "join_before_host": true, "jbh_minutes": 10,
        "mute_upon_entry": true, "host_video": true, "participant_video": true,
        "audio": "telephony", "authenticated_only": true,
    });
    assert_eq!(room["settings"], expected);
    assert_eq!(
        t.ok("personal_room", json!({}))["settings"],
        expected,
        "read back"
    );

    // Each one back, alone: only what was asked changes.
    let room = t.ok(
        "set_room_settings",
        json!({"change": {"audio": "voip", "jbh_minutes": 0}}),
    );
    assert_eq!(room["settings"]["audio"], "voip");
    assert_eq!(room["settings"]["jbh_minutes"], 0);
    assert_eq!(room["settings"]["mute_upon_entry"], true);
    assert_eq!(room["locked"]["audio"], false);

    // The passcode: off, on (one made to the rules), then a chosen one.
    let room = t.ok(
        "set_room_settings",
        json!({"change": {"passcode_on": false}}),
    );
    assert_eq!(room["passcode"], Value::Null);
    assert!(!room["invitation"].as_str().unwrap().contains("Passcode"));
    let room = t.ok(
        "set_room_settings",
        json!({"change": {"passcode_on": true}}),
    );
    assert!(room["passcode"].as_str().is_some_and(|p| p.len() >= 6));
    let room = t.ok(
        "set_room_settings",
        json!({"change": {"passcode": "Pmi-2468"}}),
    );
    assert_eq!(room["passcode"], "Pmi-2468");
    assert!(room["invitation"]
        .as_str()
        .unwrap()
        .contains("Passcode: Pmi-2468"));
    assert_eq!(t.ok("overview", json!({}))["room"]["passcode"], "Pmi-2468");
}

#[test]
fn a_pmi_passcode_or_minutes_against_the_rules_is_refused_with_the_rule_named() {
    let t = start();
    let before = t.ok("personal_room", json!({}));
    for (change, field, said) in [
        (
            json!({"passcode": "ab1"}),
            "passcode",
            "Use at least 6 characters.",
        ),
        (
            json!({"passcode": "abc def"}),
            "passcode",
            "“ ” is not allowed",
        ),
        (
            json!({"passcode": "12345678901"}),
            "passcode",
            "Use at most 10 characters.",
        ),
        (
            json!({"passcode": "abc123", "passcode_on": false}),
            "passcode",
            "Turn the passcode on",
        ),
        (
            json!({"jbh_minutes": 7}),
            "jbh_minutes",
            "5, 10 or 15 minutes",
        ),
    ] {
        // Each wrong value comes with a right one, which must not be written either.
        let mut asked = json!({"waiting_room": true});
        asked
            .as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let err = t
            .invoke("set_room_settings", json!({"change": asked}))
            .unwrap_err();
        assert_eq!(err["kind"], "invalid_fields", "{err}");
        assert_eq!(err["fields"][0]["field"], field, "{err}");
        let message = err["fields"][0]["message"].as_str().unwrap();
        assert!(message.contains(said), "{message}");
    }
    let after = t.ok("personal_room", json!({}));
    assert_eq!(after["passcode"], before["passcode"]);
    assert_eq!(
        after["settings"]["waiting_room"], before["settings"]["waiting_room"],
        "nothing is written when one value is wrong"
    );
}

/// Locks settings on the service at `base` through its admin API, as the account's admin would.
fn lock_settings_at(base: &str, locks: Value) {
    tauri::async_runtime::block_on(async {
        let http = http();
        let token: Value = http
            .post(format!("{base}/oauth/token"))
            .basic_auth(
                zoom_sandbox::DEFAULT_CLIENT_ID,
                Some(zoom_sandbox::DEFAULT_CLIENT_SECRET),
            )
            .form(&[
                ("grant_type", "account_credentials"),
                ("account_id", zoom_sandbox::DEFAULT_ACCOUNT_ID),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let status = http
            .patch(format!("{base}/v2/accounts/me/lock_settings"))
            .bearer_auth(token["access_token"].as_str().unwrap())
            .json(&locks)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 204);
    });
}

/// Locks settings on the built-in account in `dir` before the app starts on that folder.
fn lock_before_start(dir: &Path, locks: Value) {
    let config = zoom_sandbox::Config::new(dir.join("local-account"));
    let sandbox = block(zoom_sandbox::Sandbox::start(config)).unwrap();
    lock_settings_at(sandbox.base_url(), locks);
    block(sandbox.stop());
}

#[test]
fn settings_the_admin_locked_show_their_real_value_and_do_not_change() {
    let dir = tempfile::tempdir().unwrap();
    lock_before_start(
        dir.path(),
        json!({
            "schedule_meeting": {
                "require_password_for_pmi_meetings": true, "join_before_host": true,
                "host_video": true, "participant_video": true, "audio_type": true,
                "meeting_authentication": true,
            },
            "meeting_security": {"waiting_room": true},
        }),
    );
    let t = start_with(dir, crate::ZoomSignIn::default());
    let room = t.ok("personal_room", json!({}));
    assert_eq!(
        room["locked"],
        json!({
            "passcode": true, "waiting_room": true, "join_before_host": true,
            "mute_upon_entry": false, "host_video": true, "participant_video": true,
            "audio": true, "authenticated_only": true,
        })
    );
    assert_eq!(
        t.ok("overview", json!({}))["room"]["locked"],
        room["locked"]
    );

    let flipped = json!({
        "passcode_on": false,
        "waiting_room": !room["settings"]["waiting_room"].as_bool().unwrap(),
        "join_before_host": !room["settings"]["join_before_host"].as_bool().unwrap(),
        "host_video": !room["settings"]["host_video"].as_bool().unwrap(),
        "participant_video": !room["settings"]["participant_video"].as_bool().unwrap(),
        "audio": if room["settings"]["audio"] == "telephony" { "voip" } else { "telephony" },
        "authenticated_only": !room["settings"]["authenticated_only"].as_bool().unwrap(),
        "mute_upon_entry": true,
    });
    let after = t.ok("set_room_settings", json!({"change": flipped}));
    let mut expected = room["settings"].clone();
    expected["mute_upon_entry"] = json!(true);
    assert_eq!(after["settings"], expected, "only the unlocked one changed");
    assert_eq!(after["passcode"], room["passcode"], "the passcode stays on");
    assert_eq!(after["locked"], room["locked"]);

    // The passcode's text can still change while it must stay on.
    let after = t.ok(
        "set_room_settings",
        json!({"change": {"passcode": "kept12"}}),
    );
    assert_eq!(after["passcode"], "kept12");
}

#[test]
fn a_lock_the_service_does_not_show_is_seen_when_a_change_does_not_hold_and_remembered() {
    let dir = tempfile::tempdir().unwrap();
    // Zoom's lock settings do not show this one: only a change that does not hold tells.
    lock_before_start(
        dir.path(),
        json!({"schedule_meeting": {"mute_upon_entry": true}}),
    );
    let t = start_with(dir, crate::ZoomSignIn::default());
    assert_eq!(
        t.ok("personal_room", json!({}))["learnt"]["mute_upon_entry"],
        false
    );
    let room = t.ok(
        "set_room_settings",
        json!({"change": {"mute_upon_entry": true, "host_video": true}}),
    );
    assert_eq!(room["settings"]["mute_upon_entry"], false);
    assert_eq!(room["learnt"]["mute_upon_entry"], true);
    assert_eq!(room["locked"]["mute_upon_entry"], false, "not read: learnt");
    assert_eq!(room["settings"]["host_video"], true);
    assert_eq!(room["learnt"]["host_video"], false);
    assert_eq!(
        t.ok("overview", json!({}))["room"]["learnt"]["mute_upon_entry"],
        true,
        "remembered"
    );

    let TestApp { app, dir, .. } = t;
    drop(app);
    // Meanwhile the admin lets it go.
    lock_before_start(
        dir.path(),
        json!({"schedule_meeting": {"mute_upon_entry": false}}),
    );
    let t = start_with(dir, crate::ZoomSignIn::default());
    assert_eq!(
        t.ok("personal_room", json!({}))["learnt"]["mute_upon_entry"],
        true,
        "remembered after a restart"
    );
    // The next change holds, and the room forgets the lock.
    let room = t.ok(
        "set_room_settings",
        json!({"change": {"mute_upon_entry": true}}),
    );
    assert_eq!(room["settings"]["mute_upon_entry"], true);
    assert_eq!(room["learnt"]["mute_upon_entry"], false);
}

#[test]
fn preferences_are_kept_and_checked() {
    let t = start();
    let mut prefs = t.ok("preferences", json!({}));
    assert_eq!(prefs["open_in"], "browser");
    prefs["back_to_back_minutes"] = json!(30);
    prefs["open_in"] = json!("zoom_app");
    t.ok("set_preferences", json!({"preferences": prefs}));
    assert_eq!(t.ok("preferences", json!({}))["back_to_back_minutes"], 30);
    // Nothing is cached yet: the personal room is read, and the Zoom app's link comes back.
    let link = t.ok("start_personal_room", json!({}));
    assert!(
        link.as_str()
            .unwrap()
            .starts_with("zoommtg://zoom.us/start?confno="),
        "{link}"
    );
    let started = t.ok("new_meeting", json!({}));
    assert!(started["opened"]
        .as_str()
        .unwrap()
        .starts_with("zoommtg://zoom.us/start?confno="));
    prefs["back_to_back_minutes"] = json!(999);
    let err = t
        .invoke("set_preferences", json!({"preferences": prefs}))
        .unwrap_err();
    assert_eq!(err["fields"][0]["field"], "back_to_back_minutes");
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    tauri::async_runtime::block_on(f)
}

#[test]
fn tray_actions_copy_start_and_answer_from_the_cache_when_the_service_is_down() {
    let t = start();
    let handle = t.app.handle().clone();
    let room = t.ok("overview", json!({}))["room"].clone();

    let done = block(perform(&handle, TrayAction::CopyPersonalLink))
        .unwrap()
        .unwrap();
    assert_eq!(done.summary, "Personal link copied");
    let clipboard = handle.state::<Clipboard>();
    assert_eq!(
        clipboard.read().unwrap(),
        room["personal_link"].as_str().unwrap()
    );
    block(perform(&handle, TrayAction::CopyInvitation)).unwrap();
    assert_eq!(
        clipboard.read().unwrap(),
        room["invitation"].as_str().unwrap()
    );

    // The service stops answering every API call: the tray still starts and copies at once.
    assert!(arm_outage(&t.local_service()), "armed the outage");
    let done = block(perform(&handle, TrayAction::StartRoom))
        .unwrap()
        .unwrap();
    assert_eq!(done.summary, "Personal room started");
    let digits = room["pmi"].to_string();
    assert!(
        wait_for_opened(|l| l.contains(&format!("/s/{digits}"))).is_some(),
        "{:?}",
        opened_links()
    );
    block(perform(&handle, TrayAction::CopyPersonalLink)).unwrap();
    assert_eq!(
        clipboard.read().unwrap(),
        room["personal_link"].as_str().unwrap()
    );
    let offline = t.ok("personal_room", json!({}));
    assert_eq!(
        offline["offline"], true,
        "the room is shown from the cache, marked offline"
    );
}

#[test]
fn the_tray_starts_the_next_meeting_today_or_says_there_is_none() {
    let t = start();
    let handle = t.app.handle().clone();
    let done = block(perform(&handle, TrayAction::NextMeeting))
        .unwrap()
        .unwrap();
    assert_eq!(done.summary, "No more meetings today");
    let now = chrono::Local::now() + chrono::Duration::minutes(2);
    if now.date_naive() != chrono::Local::now().date_naive() {
        return; // Too close to midnight for a meeting later today.
    }
    let request = json!({
        "topic": "Standup", "date": now.format("%Y-%m-%d").to_string(), "time": now.format("%H:%M").to_string(),
        "duration_minutes": 15, "time_zone": local_zone(), "recurrence": null, "use_pmi": false,
        "passcode": null, "waiting_room": false, "host_video": true, "participant_video": false
    });
    t.ok(
        "schedule_meeting",
        json!({"request": request, "calendarFile": false}),
    );
    let done = block(perform(&handle, TrayAction::NextMeeting))
        .unwrap()
        .unwrap();
    assert_eq!(
        (done.summary.as_str(), done.body.as_str()),
        ("Meeting started", "Standup")
    );
}

fn local_zone() -> String {
    std::fs::read_link("/etc/localtime")
        .ok()
        .and_then(|p| {
            p.to_string_lossy()
                .split("zoneinfo/")
                .nth(1)
                .map(str::to_owned)
        })
        .filter(|z| z.parse::<chrono_tz::Tz>().is_ok())
        .unwrap_or_else(|| "UTC".into())
}

#[test]
fn the_tray_schedule_and_join_items_ask_the_window_to_open_their_dialogs() {
    let t = start();
    for (action, ask) in [
        (TrayAction::Schedule, "open_schedule"),
        (TrayAction::Join, "open_join"),
    ] {
        assert_eq!(block(perform(t.app.handle(), action)).unwrap(), None);
        // The window's request for what it is asked (the tray asked before it: kept for it).
        assert_eq!(t.ok("window_ask", json!({})), json!(ask));
    }
}

#[test]
fn the_pmi_and_the_personal_link_name_are_chosen_and_every_place_shows_them() {
    let t = start();
    let before = t.ok("overview", json!({}))["room"].clone();
    // As typed: the broken rule is named.
    let err = t
        .invoke("check_pmi", json!({"pmi": "123 456 7890"}))
        .unwrap_err();
    assert_eq!(err["fields"][0]["field"], "pmi");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("cannot start with 0 or 1"),
        "{err}"
    );
    let err = t
        .invoke("set_pmi", json!({"pmi": "800 555 1234"}))
        .unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("cannot start with 800"),
        "{err}"
    );
    t.ok("check_pmi", json!({"pmi": "354 247 1135"}));

    let room = t.ok("set_pmi", json!({"pmi": "354 247 1135"}));
    assert_eq!(room["pmi_formatted"], "354 247 1135");
    assert!(room["join_link"]
        .as_str()
        .unwrap()
        .contains("/j/3542471135"));
    assert!(room["invitation"]
        .as_str()
        .unwrap()
        .contains("354 247 1135"));
    assert_eq!(t.ok("overview", json!({}))["room"]["pmi"], 3_542_471_135u64);
    // The tray's cache has it at once.
    let handle = t.app.handle().clone();
    block(perform(&handle, TrayAction::CopyInvitation)).unwrap();
    assert!(handle
        .state::<Clipboard>()
        .read()
        .unwrap()
        .contains("354 247 1135"));

    // The personal link name: a taken one refused at the field, a free one taken.
    let err = t
        .invoke("check_vanity_name", json!({"name": "pmidesk.taken"}))
        .unwrap_err();
    assert_eq!(err["fields"][0]["field"], "vanity_name");
    assert!(
        err["message"].as_str().unwrap().contains("someone else's"),
        "{err}"
    );
    let err = t
        .invoke("set_vanity_name", json!({"name": "pmidesk.taken"}))
        .unwrap_err();
    assert_eq!(err["fields"][0]["field"], "vanity_name");
    let err = t
        .invoke("check_vanity_name", json!({"name": "1abc"}))
        .unwrap_err();
    assert_eq!(err["fields"][0]["field"], "vanity_name");
    t.ok("check_vanity_name", json!({"name": "local.user"}));
    t.ok("check_vanity_name", json!({"name": "jane.doe"}));
    let room = t.ok("set_vanity_name", json!({"name": "jane.doe"}));
    assert!(room["personal_link"]
        .as_str()
        .unwrap()
        .ends_with("/my/jane.doe"));
    block(perform(&handle, TrayAction::CopyPersonalLink)).unwrap();
    assert!(handle
        .state::<Clipboard>()
        .read()
        .unwrap()
        .ends_with("/my/jane.doe"));
    assert_ne!(room["personal_link"], before["personal_link"]);
}

/// Date and time (UTC) `minutes` from now, as the Schedule dialog takes them.
fn in_minutes(minutes: i64) -> (String, String) {
    let at = chrono::Utc::now() + chrono::Duration::minutes(minutes);
    (
        at.format("%Y-%m-%d").to_string(),
        at.format("%H:%M").to_string(),
    )
}

#[test]
fn a_session_in_the_personal_room_near_a_pmi_meeting_is_asked_about_first() {
    let t = start();
    assert_eq!(
        t.ok("pmi_busy_now", json!({})),
        Value::Null,
        "nothing near yet"
    );
    // A PMI meeting in 10 minutes, within the 15-minute gap.
    let (date, time) = in_minutes(10);
    t.ok("schedule_meeting", json!({"request": schedule_request("Design review", &date, &time, 30, true), "calendarFile": false}));
    let busy = t.ok("pmi_busy_now", json!({}));
    assert_eq!(busy["other_topic"], "Design review", "{busy}");
    // "Use a new ID": a meeting of its own now, even with Use my PMI checked.
    t.ok("set_instant_pmi", json!({"checked": true}));
    let pmi = t.ok("overview", json!({}))["room"]["pmi_formatted"].clone();
    let own = t.ok("new_meeting", json!({"ownId": true}));
    assert_ne!(own["meeting"]["join_number_formatted"], pmi);
    assert_eq!(own["meeting"]["on_pmi"], false);
    // The tray asks in the window rather than start (judged from the cache, no network).
    for (action, ask) in [
        (TrayAction::StartRoom, "confirm_room"),
        (TrayAction::NewMeeting, "confirm_new_meeting"),
    ] {
        assert_eq!(block(perform(t.app.handle(), action)).unwrap(), None);
        assert_eq!(
            t.ok("window_ask", json!({})),
            json!(ask),
            "the window was asked"
        );
    }
}

/// Arms an outage on every API call of the built-in service.
fn arm_outage(base: &str) -> bool {
    let base = base.to_owned();
    tauri::async_runtime::block_on(async move {
        http()
            .post(format!("{base}/_sandbox/faults"))
            .json(&json!({"route": "* /v2/*", "kind": "status", "status": 503, "count": 1000}))
            .send()
            .await
            .is_ok_and(|r| r.status() == 204)
    })
}

#[test]
fn a_pmi_change_whose_room_cannot_be_read_back_says_it_was_made_and_keeps_no_old_link() {
    let t = start();
    let before = t.ok("personal_room", json!({}));
    // The Meetings tab as read before, kept to show while the service cannot answer.
    assert_eq!(t.ok("overview", json!({}))["room"]["pmi"], before["pmi"]);
    // The change goes through; every read after it fails.
    let base = t.local_service();
    let armed = block(
        http()
            .post(format!("{base}/_sandbox/faults"))
            .json(&json!({"route": "GET /v2/*", "kind": "status", "status": 503, "count": 1000}))
            .send(),
    );
    assert_eq!(armed.unwrap().status(), 204);
    let err = t
        .invoke("set_pmi", json!({"pmi": "354 247 1135"}))
        .unwrap_err();
    assert_eq!(err["kind"], "changed_unread", "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.starts_with("Your Personal Meeting ID is changed"),
        "{message}"
    );
    // Nothing hands out the PMI that was: not the room as last seen, not the tray's invitation.
    let room = t.invoke("personal_room", json!({}));
    assert!(
        room.as_ref().is_err() && room != Ok(before.clone()),
        "{room:?}"
    );
    let tab = t.invoke("overview", json!({}));
    assert!(
        tab.as_ref()
            .map_or(true, |tab| tab["room"]["pmi"] != before["pmi"]),
        "the Meetings tab shows the PMI from before the change: {tab:?}"
    );
    let handle = t.app.handle().clone();
    let copied = block(perform(&handle, TrayAction::CopyInvitation));
    assert!(copied.is_err(), "{copied:?}");
}

#[test]
fn send_email_opens_a_mailto_with_the_subject_and_the_invitation() {
    let t = start();
    let room = t.ok("personal_room", json!({}));
    t.ok("email_invitation", json!({}));
    let pmi = room["pmi"].to_string();
    let mailto = wait_for_opened(|l| l.starts_with("mailto:") && l.contains(&pmi))
        .expect("a mailto link was opened");
    let url = url::Url::parse(&mailto).unwrap();
    let get = |k: &str| {
        url.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    assert_eq!(get("subject"), "Local User's Personal Meeting Room");
    assert_eq!(get("body"), room["invitation"].as_str().unwrap());
    assert!(
        !mailto.contains('+'),
        "spaces are %20 in mailto links: {mailto}"
    );
}

#[test]
fn join_understands_each_kind_of_paste_and_opens_it_as_settings_say() {
    let t = start();
    for (text, understood) in [
        ("857 4606 5432", "Meeting 857 4606 5432, no passcode in the text"),
        ("857-4606-5432", "Meeting 857 4606 5432, no passcode in the text"),
        (
            "https://acme.zoom.us/j/85746065432?pwd=Zx9.1",
            "Meeting 857 4606 5432, with passcode",
        ),
        ("https://zoom.us/my/jane.doe", "Personal link jane.doe"),
        (
            "zoommtg://zoom.us/join?confno=85746065432&pwd=abc",
            "Meeting 857 4606 5432, with passcode",
        ),
        (
            "Topic: Plan\nJoin Zoom Meeting\nhttps://zoom.us/j/85746065432\n\nMeeting ID: 857 4606 5432\nPasscode: 123456",
            "Meeting 857 4606 5432, with passcode",
        ),
    ] {
        let view = t.ok("understand_join", json!({ "text": text }));
        assert_eq!(view["understood"], understood, "{text}");
    }

    // In the browser (the default): the link as pasted; a bare number on zoom.us.
    let view = t.ok(
        "join",
        json!({"text": "https://acme.zoom.us/j/85746065432?pwd=Zx9.1"}),
    );
    assert_eq!(view["open_in"], "browser");
    assert!(wait_for_opened(|l| l == "https://acme.zoom.us/j/85746065432?pwd=Zx9.1").is_some());
    t.ok("join", json!({"text": "857 4606 5432"}));
    assert!(wait_for_opened(|l| l == "https://zoom.us/j/85746065432").is_some());

    // In the Zoom app: the desktop link, with the passcode from the invitation.
    let mut prefs = t.ok("preferences", json!({}));
    prefs["open_in"] = json!("zoom_app");
    t.ok("set_preferences", json!({ "preferences": prefs }));
    t.ok(
        "join",
        json!({"text": "Meeting ID: 354 247 1135\nPasscode: 99x"}),
    );
    assert!(wait_for_opened(|l| l == "zoommtg://zoom.us/join?confno=3542471135&pwd=99x").is_some());

    // Bad input: the reason, at the field, and nothing opened (other tests open links too, so
    // look for this test's own).
    for (text, said) in [
        ("", "Paste a meeting ID"),
        ("lunch at noon?", "No meeting ID or Zoom link"),
        ("1234 5678", "9 to 11 digits"),
        ("https://zoom.evil.com/j/85746065432", "not a Zoom address"),
    ] {
        let err = t.invoke("join", json!({ "text": text })).unwrap_err();
        assert_eq!(err["fields"][0]["field"], "join", "{err}");
        let message = err["fields"][0]["message"].as_str().unwrap();
        assert!(message.contains(said), "{text}: {message}");
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!opened_links().iter().any(|l| l.contains("evil")));
}

#[test]
fn a_zoom_link_on_the_clipboard_is_offered_once() {
    let t = start();
    let clipboard = t.app.handle().state::<Clipboard>();
    clipboard.copy("857 4606 5432").unwrap();
    assert_eq!(
        t.ok("join_offer", json!({})),
        Value::Null,
        "a bare number is not a link"
    );
    let link = "Join: https://zoom.us/j/85746065432?pwd=abc";
    clipboard.copy(link).unwrap();
    let offer = t.ok("join_offer", json!({}));
    assert_eq!(offer["text"], link);
    assert_eq!(offer["join"]["meeting_id_formatted"], "857 4606 5432");
    assert_eq!(t.ok("join_offer", json!({})), Value::Null, "once");
    clipboard.copy("https://example.com/j/85746065432").unwrap();
    assert_eq!(
        t.ok("join_offer", json!({})),
        Value::Null,
        "not a Zoom address"
    );
}

/// `make bench`'s tray part: the in-process time from the tray's menu event to the opener call
/// (Start my personal room) and to the clipboard write (Copy personal link), with the requests
/// the built-in service saw, once the room is cached. Writes `target/bench/tray.json`. Ignored
/// in `make test`: it measures, it does not check behaviour (the tray tests above do).
#[test]
#[ignore = "a benchmark: scripts/bench.sh runs it in release"]
fn bench_tray_actions() {
    let t = start();
    t.ok("overview", json!({}));
    let desk = t.app.handle().state::<crate::Desk>();
    let mut rows = Vec::new();
    for action in [TrayAction::StartRoom, TrayAction::CopyPersonalLink] {
        let mut times = Vec::new();
        let mut requests = 0;
        for _ in 0..21 {
            let before = desk.local_requests_seen().unwrap();
            let started = std::time::Instant::now();
            block(perform(t.app.handle(), action)).unwrap();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            requests = requests.max(desk.local_requests_seen().unwrap() - before);
        }
        times.sort_by(f64::total_cmp);
        rows.push(json!({
            "action": format!("{action:?}"),
            "median_ms": times[times.len() / 2],
            "min_ms": times[0],
            "max_ms": times[times.len() - 1],
            "requests": requests,
        }));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("tray.json"),
        serde_json::to_string_pretty(&rows).unwrap(),
    )
    .unwrap();
    println!("{}", serde_json::to_string(&rows).unwrap());
}

#[test]
fn the_page_is_placed_in_the_launch_by_its_time_origin() {
    let launched = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_795_822_690_259);
    assert_eq!(crate::ms_between(launched, 1_795_822_690_502.4), Some(243));
    assert_eq!(crate::ms_between(launched, 1_795_822_690_259.0), Some(0));
    // A clock set back between launch and page, or no time at all: not said.
    assert_eq!(crate::ms_between(launched, 1_795_822_690_100.0), None);
    assert_eq!(crate::ms_between(launched, f64::NAN), None);
}
