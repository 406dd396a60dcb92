//! Beyond Zoom's client, on the real window: Join from anything pasted (and a Zoom link on the
//! clipboard offered once), global shortcuts sent as keys to the X server, reminders seen as
//! notifications on the session bus, and the tray's next meeting read from its menu on that bus.
//! Run one at a time: each test owns its app, the display's keyboard and clipboard. The keys
//! (xdotool) and the bus (dbus-monitor, gdbus) are X11's and freedesktop's: those three tests
//! run on Linux.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_os = "linux")]
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(target_os = "linux")]
use pmi_desk_e2e::{clipboard_text, local_time};
use pmi_desk_e2e::{copy_elsewhere, App};

async fn pmi_of(app: &App) -> String {
    app.wait_for_text("[data-testid=pmi]", |t| t.len() == 12)
        .await
        .unwrap()
}

/// Waits up to 10 s for a link the app opened, after the first `skip`.
async fn opened_after(app: &App, skip: usize, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(link) = app.opened_links().iter().skip(skip).find(|l| wanted(l)) {
            return link.clone();
        }
        assert!(
            Instant::now() < deadline,
            "opened: {:?}",
            app.opened_links()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Pastes `text` into a field: its whole value at once, then the input event, as a paste does.
async fn paste(app: &App, css: &str, text: &str) -> anyhow::Result<()> {
    app.find(css).await?;
    app.client
        .execute(
            "const el = document.querySelector(arguments[0]); el.focus(); el.value = arguments[1]; \
             el.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));",
            vec![css.into(), text.into()],
        )
        .await?;
    Ok(())
}

#[cfg(target_os = "linux")]
async fn save_settings(app: &App) -> anyhow::Result<()> {
    app.click("dialog.settings button[type=submit]").await?;
    app.wait_for_count("dialog.settings", 0).await?;
    Ok(())
}

#[tokio::test]
async fn join_takes_each_kind_of_paste_and_says_why_not_for_bad_input() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    let invitation = "Jane Doe is inviting you to a scheduled Zoom meeting.\n\nTopic: Plan\n\n\
        Join Zoom Meeting\nhttps://us05web.zoom.us/j/85746065432?pwd=Zx9.1\n\n\
        Meeting ID: 857 4606 5432\nPasscode: 123456\n";
    for (pasted, understood, opens) in [
        (
            "857 4606 5432",
            "Meeting 857 4606 5432, no passcode in the text",
            "https://zoom.us/j/85746065432",
        ),
        (
            "857-4606-5432",
            "Meeting 857 4606 5432, no passcode in the text",
            "https://zoom.us/j/85746065432",
        ),
        (
            "https://acme.zoom.us/j/85746065432?pwd=abc.1",
            "Meeting 857 4606 5432, with passcode",
            "https://acme.zoom.us/j/85746065432?pwd=abc.1",
        ),
        (
            "https://zoom.us/my/jane.doe",
            "Personal link jane.doe",
            "https://zoom.us/my/jane.doe",
        ),
        (
            "zoommtg://zoom.us/join?confno=85746065432&pwd=abc",
            "Meeting 857 4606 5432, with passcode",
            "https://zoom.us/j/85746065432?pwd=abc",
        ),
        (
            invitation,
            "Meeting 857 4606 5432, with passcode",
            "https://us05web.zoom.us/j/85746065432?pwd=Zx9.1",
        ),
    ] {
        app.click("#join").await?;
        app.find("[data-testid=join-dialog]").await?;
        paste(&app, "#join-text", pasted).await?;
        let said = app
            .wait_for_text("[data-testid=join-understood]", |t| !t.is_empty())
            .await?;
        assert_eq!(said, format!("{understood} · opens in your browser"));
        let before = app.opened_links().len();
        app.click("#join-go").await?;
        app.wait_for_count("[data-testid=join-dialog]", 0).await?;
        assert_eq!(
            opened_after(&app, before, |_| true).await,
            opens,
            "{pasted}"
        );
    }

    for (pasted, reason) in [
        ("lunch at noon?", "No meeting ID or Zoom link in this text."),
        (
            "1234 5678",
            "A meeting ID has 9 to 11 digits; “1234 5678” has 8.",
        ),
        (
            "https://zoom.evil.com/j/85746065432",
            "“zoom.evil.com” is not a Zoom address: PMI Desk opens meeting links from Zoom only.",
        ),
    ] {
        app.click("#join").await?;
        app.type_into("#join-text", pasted).await?;
        let said = app
            .wait_for_text("[data-testid=err-join]", |t| !t.is_empty())
            .await?;
        assert_eq!(said, reason);
        if pasted.contains("evil") {
            app.screenshot("join-bad-input").await?;
        }
        let before = app.opened_links().len();
        app.click("#join-go").await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(app.opened_links().len(), before, "nothing opened");
        assert_eq!(
            app.count("[data-testid=join-dialog]").await?,
            1,
            "kept open"
        );
        app.click("[data-testid=join-dialog] button[type=button]")
            .await?;
        app.wait_for_count("[data-testid=join-dialog]", 0).await?;
    }

    // A Zoom link copied elsewhere is offered when the window gains focus, once.
    copy_elsewhere("Our call: https://zoom.us/j/3542471135?pwd=xyz")?;
    app.client
        .execute("window.dispatchEvent(new Event('focus'))", vec![])
        .await?;
    let offer = app.wait_for_text("#join-offer", |t| !t.is_empty()).await?;
    assert_eq!(offer, "Join 354 247 1135");
    app.screenshot("join-offer").await?;
    let before = app.opened_links().len();
    app.click("#join-offer").await?;
    assert_eq!(
        opened_after(&app, before, |_| true).await,
        "https://zoom.us/j/3542471135?pwd=xyz"
    );
    app.client
        .execute("window.dispatchEvent(new Event('focus'))", vec![])
        .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.count("[data-testid=join-offer]").await?,
        0,
        "offered once"
    );
    app.quit().await?;
    Ok(())
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn global_shortcuts_start_the_room_and_copy_the_link_from_anywhere() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    let pmi = pmi_of(&app).await.replace(' ', "");
    let personal = app.text_of("[data-testid=personal-link]").await?;
    app.click("#open-settings").await?;
    app.find("dialog.settings").await?;
    assert_eq!(
        app.value_of("#shortcut-start-room").await?,
        "",
        "off by default"
    );
    // Two actions on one shortcut: refused at the field.
    app.type_into("#shortcut-start-room", "Ctrl+Alt+P").await?;
    app.type_into("#shortcut-copy-link", "ctrl+alt+p").await?;
    app.click("dialog.settings button[type=submit]").await?;
    let said = app
        .wait_for_text("#err-shortcut-copy-link", |t| !t.is_empty())
        .await?;
    assert!(
        said.contains("already the shortcut for Start my personal room"),
        "{said}"
    );
    app.find("#shortcut-copy-link").await?.clear().await?;
    app.type_into("#shortcut-copy-link", "Ctrl+Alt+L").await?;
    app.screenshot("settings-shortcuts").await?;
    save_settings(&app).await?;

    // The keys, sent to the X server as a keyboard would: the app acts wherever the focus is.
    start_room_by_keys(&app, "ctrl+alt+p", &pmi).await?;
    copy_elsewhere("something else")?;
    assert!(Command::new("xdotool")
        .args(["key", "ctrl+alt+l"])
        .status()?
        .success());
    // While the app takes the clipboard over from this process, a read can find it empty: this
    // process still owned it when asked and had let the text go when read (arboard on X11).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let read = clipboard_text();
        if matches!(&read, Ok(text) if *text == personal) {
            break;
        }
        assert!(Instant::now() < deadline, "clipboard: {read:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Launched again with them saved: registered from the start (the first set in Settings added
    // the shortcuts' plugin while the app ran; this launch adds it as it starts).
    app.quit().await?;
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    // Registered as the desktop's parts start, in the main thread's task that makes the tray:
    // the tray's menu answers on the bus only once that task is done, keys registered.
    let deadline = Instant::now() + Duration::from_secs(10);
    while tray_menu(data.path()).is_none() {
        assert!(Instant::now() < deadline, "no tray");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    start_room_by_keys(&app, "ctrl+alt+p", &pmi).await?;
    app.quit().await?;
    Ok(())
}

/// Presses `keys` on the X server, as a keyboard would, and sees the personal room on `pmi`
/// (its digits) started: its start link opened.
#[cfg(target_os = "linux")]
async fn start_room_by_keys(app: &App, keys: &str, pmi: &str) -> anyhow::Result<()> {
    let before = app.opened_links().len();
    assert!(Command::new("xdotool")
        .args(["key", keys])
        .status()?
        .success());
    let opened = opened_after(app, before, |l| l.contains(&format!("/s/{pmi}"))).await;
    assert!(opened.starts_with("http://127.0.0.1:"), "{opened}");
    Ok(())
}

/// Watches the session bus for notifications, as a notification server would see them.
#[cfg(target_os = "linux")]
struct NotificationWatch {
    monitor: std::process::Child,
    log: std::path::PathBuf,
}

#[cfg(target_os = "linux")]
impl NotificationWatch {
    fn start(dir: &std::path::Path) -> Self {
        let log = dir.join("notifications.log");
        let monitor = Command::new("dbus-monitor")
            .args([
                "--session",
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (make test installs dbus)");
        std::thread::sleep(Duration::from_millis(500));
        Self { monitor, log }
    }

    /// Notifications whose summary starts with `summary`.
    fn count(&self, summary: &str) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .matches(&format!("string \"{summary}"))
            .count()
    }
}

#[cfg(target_os = "linux")]
impl Drop for NotificationWatch {
    fn drop(&mut self) {
        let _ = self.monitor.kill();
        let _ = self.monitor.wait();
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_meeting_soon_gets_one_reminder_on_the_session_bus() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let watch = NotificationWatch::start(data.path());
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    // Remind an hour ahead, so a meeting 30 minutes from now is due at once.
    app.click("#open-settings").await?;
    app.find("dialog.settings").await?;
    assert_eq!(
        app.value_of("#reminder-minutes").await?,
        "5",
        "5 minutes by default"
    );
    app.find("#reminder-minutes").await?.clear().await?;
    app.type_into("#reminder-minutes", "60").await?;
    save_settings(&app).await?;

    let soon = |format: &str| local_time(chrono::Duration::minutes(30), format);
    app.click("#schedule").await?;
    app.find("[data-testid=schedule-dialog]").await?;
    app.type_into("#s-topic", "Budget sync").await?;
    app.choose("s-date", &soon("%Y-%m-%d")).await?;
    app.choose("s-time", &soon("%H:%M")).await?;
    app.click("#s-auto-id").await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;

    let deadline = Instant::now() + Duration::from_secs(20);
    while watch.count("Budget sync in") == 0 {
        assert!(Instant::now() < deadline, "no reminder seen on the bus");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The meetings read again, and the clock looked at again: still one.
    app.client
        .execute("window.dispatchEvent(new Event('focus'))", vec![])
        .await?;
    app.click("#open-settings").await?;
    save_settings(&app).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(watch.count("Budget sync in"), 1, "never twice");
    let log = std::fs::read_to_string(&watch.log)?;
    assert!(log.contains("Meeting ID"), "{log}");
    assert!(log.contains("\"start\""), "a Start action: {log}");

    // A restart does not remind again either.
    let data_dir = app.data_dir.clone();
    app.quit().await?;
    let app = App::launch_on(&data_dir).await?;
    pmi_of(&app).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(watch.count("Budget sync in"), 1, "not after a restart");
    app.quit().await?;
    Ok(())
}

/// Where tray-icon serves the menu of the tray with id "main" (`tray::create`).
#[cfg(target_os = "linux")]
const TRAY_MENU: &str = "/org/ayatana/NotificationItem/tray_icon_tray_app_main/Menu";

/// A call on the session bus; its answer as gdbus prints it, `None` if it failed or found no
/// answer within 2 s. (The app's first bus connection, the one that has the session bus start the
/// accessibility bus, never answers a call made to it, a bare Tauri window's no more than the
/// app's: gdbus would wait its 25 s for it.)
#[cfg(target_os = "linux")]
fn gdbus(args: &[&str]) -> Option<String> {
    let out = Command::new("gdbus")
        .args(["call", "--session", "--timeout", "2"])
        .args(args)
        .stderr(Stdio::null())
        .output()
        .expect("gdbus (make test installs libglib2.0-bin)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The tray's menu as a desktop's panel reads it: the app's menu on the session bus
/// (`com.canonical.dbusmenu`, which libayatana-appindicator serves for the tray), as
/// (label, enabled) in order. The app is the bus connection of the process on `data_dir`;
/// `None` until its tray exists.
#[cfg(target_os = "linux")]
fn tray_menu(data_dir: &std::path::Path) -> Option<Vec<(String, bool)>> {
    tray_items(data_dir).map(|(_, items)| {
        items
            .into_iter()
            .map(|(_, label, enabled)| (label, enabled))
            .collect()
    })
}

/// Clicks the tray's item `label` as a desktop's panel does (`com.canonical.dbusmenu.Event`);
/// false until the tray has it.
#[cfg(target_os = "linux")]
fn tray_click(data_dir: &std::path::Path, label: &str) -> bool {
    let Some((bus, items)) = tray_items(data_dir) else {
        return false;
    };
    let Some((id, _, _)) = items.iter().find(|(_, l, _)| l == label) else {
        return false;
    };
    gdbus(&[
        "--dest",
        &bus,
        "--object-path",
        TRAY_MENU,
        "--method",
        "com.canonical.dbusmenu.Event",
        &format!("int32 {id}"),
        "clicked",
        "<int32 0>",
        "uint32 0",
    ])
    .is_some()
}

/// A tray menu's item as (id, label, enabled).
#[cfg(target_os = "linux")]
type TrayItem = (i32, String, bool);

/// The app's bus name and its tray menu's items, in order.
#[cfg(target_os = "linux")]
fn tray_items(data_dir: &std::path::Path) -> Option<(String, Vec<TrayItem>)> {
    let bus = [
        "--dest",
        "org.freedesktop.DBus",
        "--object-path",
        "/org/freedesktop/DBus",
        "--method",
    ];
    let ours = format!("PMI_DESK_DATA_DIR={}\0", data_dir.display());
    let of_ours = |name: &&str| {
        let pid = gdbus(
            &[
                &bus[..],
                &["org.freedesktop.DBus.GetConnectionUnixProcessID", name],
            ]
            .concat(),
        );
        // "(uint32 1234,)"
        pid.and_then(|p| {
            let pid = p
                .trim()
                .trim_start_matches("(uint32 ")
                .trim_end_matches(",)")
                .to_owned();
            std::fs::read(format!("/proc/{pid}/environ")).ok()
        })
        .is_some_and(|env| env.windows(ours.len()).any(|w| w == ours.as_bytes()))
    };
    let names = gdbus(&[&bus[..], &["org.freedesktop.DBus.ListNames"]].concat())?;
    let (name, layout) = names
        .split('\'')
        .filter(|n| n.starts_with(":1."))
        .filter(of_ours)
        .find_map(|name| {
            gdbus(&[
                "--dest",
                name,
                "--object-path",
                TRAY_MENU,
                "--method",
                "com.canonical.dbusmenu.GetLayout",
                "int32 0",
                "int32 -1",
                "@as []",
            ])
            .map(|layout| (name.to_owned(), layout))
        })?;
    // (revision, (0, {root}, [<(id, {'enabled': <false>, 'label': <'…'>, …}, @av [])>, …]))
    let items = layout
        .split("<(")
        .skip(1)
        .map(|item| {
            let id = item
                .split(',')
                .next()
                .and_then(|id| id.trim().trim_start_matches("int32 ").parse().ok())
                .unwrap_or(-1);
            let label = item
                .split("'label': <'")
                .nth(1)
                .and_then(|l| l.split("'>").next())
                .unwrap_or_default();
            (id, label.to_owned(), !item.contains("'enabled': <false>"))
        })
        .collect();
    Some((name, items))
}

/// Clicks the tray's item `label` once the tray has it (within 10 s).
#[cfg(target_os = "linux")]
async fn click_in_tray(data_dir: &std::path::Path, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !tray_click(data_dir, label) {
        assert!(Instant::now() < deadline, "no tray item {label}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The tray's items that need the window, clicked as a panel does: Schedule… and Join… open
/// their dialogs there, and Start my personal room near a PMI meeting asks there first, also
/// once the page has reloaded (the window takes the app's asks on a request it keeps open:
/// src-tauri/src/asks.rs).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_trays_schedule_join_and_start_near_a_pmi_meeting_are_answered_in_the_window(
) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    let pmi = pmi_of(&app).await.replace(' ', "");

    // Schedule… : a PMI meeting ten minutes from now, scheduled in the dialog it opens.
    click_in_tray(data.path(), "Schedule…").await;
    app.schedule_on_pmi("Design review", chrono::Duration::minutes(10))
        .await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;
    app.wait_for_count("[data-testid=schedule-dialog]", 0)
        .await?;

    // Join… , after the page reloaded (the new page's request takes over from the old page's).
    app.client
        .execute(
            "document.getElementById('app').removeAttribute('data-live'); location.reload()",
            vec![],
        )
        .await?;
    app.find("#app[data-live]").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;
    click_in_tray(data.path(), "Join…").await;
    app.find("[data-testid=join-dialog]").await?;
    app.click("[data-testid=join-dialog] button[type=button]")
        .await?;
    app.wait_for_count("[data-testid=join-dialog]", 0).await?;

    // Start my personal room, ten minutes before the PMI meeting: asked in the window first.
    let before = app.opened_links().len();
    click_in_tray(data.path(), "Start my personal room").await;
    let asked = app.text_of("[data-testid=choose-dialog]").await?;
    assert!(asked.contains("Design review"), "{asked}");
    assert_eq!(
        app.opened_links().len(),
        before,
        "nothing started before the answer"
    );
    app.click("#choose-start").await?;
    let opened = opened_after(&app, before, |l| l.contains(&format!("/s/{pmi}"))).await;
    assert!(opened.starts_with("http://127.0.0.1:"), "{opened}");
    app.quit().await?;
    Ok(())
}

/// The tray's next-meeting item (the one after "Schedule…") as (label, enabled), once it is
/// `wanted`, or as it is after 10 s.
#[cfg(target_os = "linux")]
async fn tray_next_item(data_dir: &std::path::Path, wanted: &(String, bool)) -> (String, bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let menu = tray_menu(data_dir);
        let next = menu.as_ref().and_then(|items| {
            let schedule = items.iter().position(|(label, _)| label == "Schedule…")?;
            items.get(schedule + 1).cloned()
        });
        match next {
            Some(next) if next == *wanted || Instant::now() > deadline => return next,
            _ => assert!(Instant::now() < deadline, "tray menu: {menu:?}"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_tray_names_the_next_meeting_today_from_launch_on() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    let none = ("No more meetings today".to_owned(), false);
    assert_eq!(tray_next_item(data.path(), &none).await, none);
    // Reminders off: a reminder would name the meeting in the item in its own words.
    app.click("#open-settings").await?;
    app.find("dialog.settings").await?;
    app.click("#reminders").await?;
    save_settings(&app).await?;

    // A meeting later today, two minutes on (in a day's last five minutes, once it is past
    // midnight).
    while chrono::Local::now().format("%H:%M").to_string().as_str() >= "23:55" {
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let at = chrono::Local::now() + chrono::Duration::minutes(2);
    app.click("#schedule").await?;
    app.find("[data-testid=schedule-dialog]").await?;
    app.type_into("#s-topic", "Budget sync").await?;
    app.choose("s-date", &at.format("%Y-%m-%d").to_string())
        .await?;
    app.choose("s-time", &at.format("%H:%M").to_string())
        .await?;
    app.click("#s-auto-id").await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;
    let next = (
        format!("Start: Budget sync at {}", at.format("%H:%M")),
        true,
    );
    assert_eq!(
        tray_next_item(data.path(), &next).await,
        next,
        "after the window read it"
    );

    // From a launch: the meetings are read while the window loads, before the tray is made.
    app.quit().await?;
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    assert_eq!(
        tray_next_item(data.path(), &next).await,
        next,
        "from a launch"
    );
    app.quit().await?;
    Ok(())
}
