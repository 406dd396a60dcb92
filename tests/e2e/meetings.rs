//! The Meetings tab, New Meeting with "Use my PMI", the Schedule dialog and the Personal Meeting
//! ID window, driven through WebDriver on the real window against the built-in account with a
//! fresh data folder. Run one at a time: each test owns its app and the display's clipboard.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use pmi_desk_e2e::{clipboard_text, local_time, lock_on_account, tomorrow, App};

/// Selects the listed meeting with this topic (a click, as a person would), and waits until
/// the detail pane shows it.
async fn select_meeting(app: &App, topic: &str) -> anyhow::Result<()> {
    for item in app
        .client
        .find_all(Locator::Css("[data-testid=meeting]"))
        .await?
    {
        if item.find(Locator::Css(".topic")).await?.text().await? == topic {
            item.click().await?;
            app.wait_for_text("[data-testid=meeting-detail] h2", |t| t == topic)
                .await?;
            return Ok(());
        }
    }
    anyhow::bail!("no meeting {topic:?} in the list")
}

/// The list's day groups: each heading with the topics under it, in order.
async fn day_groups(app: &App) -> Vec<(String, Vec<String>)> {
    let groups = app
        .client
        .execute(
            "return Array.from(document.querySelectorAll('#meeting-list [role=group]')).map(g => \
             [g.querySelector('[data-testid=day-heading]').textContent, \
              Array.from(g.querySelectorAll('[role=option] .topic')).map(t => t.textContent)]);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(groups).unwrap()
}

async fn pmi_of(app: &App) -> String {
    app.wait_for_text("[data-testid=pmi]", |t| t.len() == 12)
        .await
        .unwrap()
}

/// Whether a checkbox or radio button is checked, as "true" or "false".
async fn checked(app: &App, css: &str) -> String {
    app.find(css)
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Opens Schedule and fills the form for tomorrow at `time`.
async fn fill_schedule(
    app: &App,
    topic: &str,
    time: &str,
    minutes: &str,
    on_pmi: bool,
) -> anyhow::Result<()> {
    app.click("#schedule").await?;
    app.find("[data-testid=schedule-dialog]").await?;
    app.type_into("#s-topic", topic).await?;
    app.choose("s-date", &tomorrow()).await?;
    app.choose("s-time", time).await?;
    app.choose("s-duration-hours", "0").await?;
    app.choose("s-duration", minutes).await?;
    app.click(if on_pmi { "#s-use-pmi" } else { "#s-auto-id" })
        .await?;
    Ok(())
}

#[tokio::test]
async fn new_meeting_uses_the_pmi_when_checked_and_the_choice_survives_a_restart(
) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    let pmi = pmi_of(&app).await;

    app.click("#new-meeting-menu").await?;
    let item = "#use-pmi";
    assert_eq!(
        app.attr(item, "aria-checked").await?.as_deref(),
        Some("false")
    );
    assert!(
        app.text_of(item).await?.contains(&pmi),
        "the check item shows the PMI"
    );
    app.screenshot("new-meeting-dropdown").await?;
    app.click(item).await?;
    app.wait_for_text("[data-testid=status]", |t| {
        t.contains("will use your Personal Meeting ID")
    })
    .await?;
    assert_eq!(
        app.attr(item, "aria-checked").await?.as_deref(),
        Some("true")
    );

    app.click("#new-meeting").await?;
    let status = app
        .wait_for_text("[data-testid=status]", |t| {
            t.starts_with("Started a new meeting")
        })
        .await?;
    assert!(status.contains(&format!("Meeting ID {pmi}")), "{status}");
    let digits = pmi.replace(' ', "");
    let opened = app.opened_links();
    assert!(
        opened.iter().any(|l| l.contains(&format!("/s/{digits}"))),
        "the start link was opened: {opened:?}"
    );
    app.quit().await?;

    let again = App::launch_on(data.path()).await?;
    pmi_of(&again).await;
    again.click("#new-meeting-menu").await?;
    assert_eq!(
        again.attr("#use-pmi", "aria-checked").await?.as_deref(),
        Some("true")
    );
    // Unchecked, New Meeting gets its own ID.
    again.click("#use-pmi").await?;
    again
        .wait_for_text("[data-testid=status]", |t| t.contains("new meeting ID"))
        .await?;
    again.click("#new-meeting").await?;
    let status = again
        .wait_for_text("[data-testid=status]", |t| {
            t.starts_with("Started a new meeting")
        })
        .await?;
    assert!(!status.contains(&pmi), "{status}");
    again.quit().await?;
    Ok(())
}

/// The built-in account on `data_dir` as another Zoom app sees it, while PMI Desk is not
/// running on that folder: `method` on `path` of its API with an admin's token.
async fn on_the_account(
    data_dir: &std::path::Path,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> anyhow::Result<serde_json::Value> {
    let config = zoom_sandbox::Config::new(data_dir.join("local-account"));
    let sandbox = zoom_sandbox::Sandbox::start(config).await?;
    let token = pmi_desk_e2e::admin_token(&sandbox).await?;
    let mut request = pmi_desk_e2e::http()
        .request(method, format!("{}/v2/{path}", sandbox.base_url()))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await?.error_for_status()?.json().await;
    sandbox.stop().await;
    Ok(answer?)
}

#[tokio::test]
async fn editing_a_meeting_made_in_zoom_on_the_second_tuesday_keeps_it_there() -> anyhow::Result<()>
{
    use chrono::Datelike;
    let data = tempfile::tempdir()?;
    // Made in Zoom's own app: monthly on the second Tuesday, from the next one on.
    let mut first = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    while !(first.weekday() == chrono::Weekday::Tue && (8..=14).contains(&first.day())) {
        first = first + chrono::Days::new(1);
    }
    let made = on_the_account(
        data.path(),
        reqwest::Method::POST,
        "users/me/meetings",
        Some(serde_json::json!({
            "topic": "Board", "type": 8, "duration": 60, "timezone": "UTC",
            "start_time": format!("{first}T10:00:00Z"),
            "recurrence": {"type": 3, "repeat_interval": 1, "monthly_week": 2,
                           "monthly_week_day": 3, "end_times": 6},
        })),
    )
    .await?;
    let id = made["id"].as_u64().expect("an id");

    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    select_meeting(&app, "Board").await?;
    app.wait_for_text("[data-testid=recurrence]", |t| t.contains("second Tuesday"))
        .await?;
    app.click("[data-testid=meeting-edit]").await?;
    app.find("[data-testid=schedule-dialog]").await?;
    assert_eq!(checked(&app, "#s-month-by-weekday").await, "true");
    assert_eq!(app.value_of("#s-month-week").await?, "2");
    assert_eq!(app.value_of("#s-month-weekday").await?, "3");
    app.screenshot("edit-monthly-on-a-weekday").await?;
    app.type_into("#s-topic", "Board review").await?;
    app.click("#s-save").await?;
    app.wait_for_text("[data-testid=meeting] .topic", |t| t == "Board review")
        .await?;
    app.quit().await?;

    let read = on_the_account(
        data.path(),
        reqwest::Method::GET,
        &format!("meetings/{id}"),
        None,
    )
    .await?;
    assert_eq!(read["topic"], "Board review");
    let r = &read["recurrence"];
    assert_eq!(
        (
            &r["type"],
            &r["monthly_week"],
            &r["monthly_week_day"],
            &r["monthly_day"]
        ),
        (
            &serde_json::json!(3),
            &serde_json::json!(2),
            &serde_json::json!(3),
            &serde_json::Value::Null
        ),
        "{read:#}"
    );
    Ok(())
}

#[tokio::test]
async fn a_double_click_on_new_meeting_starts_one_meeting() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    let before = app.opened_links().len();
    // Two clicks in one go: the second comes before the first's meeting is made.
    app.client
        .execute(
            "const b = document.getElementById('new-meeting'); b.click(); b.click();",
            vec![],
        )
        .await?;
    app.wait_for_text("[data-testid=status]", |t| {
        t.starts_with("Started a new meeting")
    })
    .await?;
    // Time for a second meeting to be made and its start link opened, if there were one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let opened = app.opened_links()[before..].to_vec();
    assert_eq!(opened.len(), 1, "one meeting started: {opened:?}");
    // Once it has started, New Meeting starts another.
    app.click("#new-meeting").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.opened_links().len() < before + 2 {
        assert!(std::time::Instant::now() < deadline, "no second meeting");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn a_setting_locked_by_the_admin_shows_its_real_value_disabled() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    lock_on_account(
        data.path(),
        serde_json::json!({"schedule_meeting": {"use_pmi_for_instant_meetings": true}}),
    )
    .await?;
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    app.click("#new-meeting-menu").await?;
    assert_eq!(
        app.attr("#use-pmi", "aria-disabled").await?.as_deref(),
        Some("true")
    );
    assert_eq!(
        app.text_of("[data-testid=use-pmi-locked]").await?,
        "Locked by your account admin"
    );
    app.click("#use-pmi").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.attr("#use-pmi", "aria-checked").await?.as_deref(),
        Some("false"),
        "clicking changes nothing"
    );
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn scheduling_on_the_pmi_lists_it_with_omn_and_warns_about_back_to_back() -> anyhow::Result<()>
{
    let app = App::launch_fresh().await?;
    let pmi = pmi_of(&app).await;
    fill_schedule(&app, "Design review", "10:00", "30", true).await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;
    select_meeting(&app, "Design review").await?;
    let link = app
        .text_of("[data-testid=meeting-detail] [data-testid=join-link]")
        .await?;
    assert!(
        link.contains(&format!("/j/{}", pmi.replace(' ', ""))) && link.contains("omn="),
        "{link}"
    );
    assert_eq!(
        app.text_of("[data-testid=meeting] [data-testid=pmi-badge]")
            .await?,
        "PMI"
    );

    // Ten minutes after it ends, on the PMI: back-to-back.
    fill_schedule(&app, "1:1 with Sam", "10:40", "30", true).await?;
    let warning = app
        .wait_for_text("[data-testid=pmi-warning]", |t| !t.is_empty())
        .await?;
    assert!(
        warning.contains("Design review") && warning.contains("back-to-back"),
        "{warning}"
    );
    assert!(warning.contains("Generate Automatically"));
    app.screenshot("schedule-pmi-warning").await?;
    // Choosing its own ID clears the warning; the user may also save as it is.
    app.click("#s-auto-id").await?;
    app.wait_for_text("[data-testid=pmi-warning]", str::is_empty)
        .await?;
    app.click("#s-use-pmi").await?;
    app.wait_for_text("[data-testid=pmi-warning]", |t| !t.is_empty())
        .await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 2).await?;
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn an_invalid_field_shows_its_error_and_nothing_is_created() -> anyhow::Result<()> {
    let app = App::launch_fresh().await?;
    pmi_of(&app).await;
    fill_schedule(&app, "x", "10:00", "30", false).await?;
    app.type_into("#s-topic", " ").await?;
    app.choose("s-duration", "0").await?;
    app.click("#s-save").await?;
    assert_eq!(
        app.wait_for_text("[data-testid=error-topic]", |t| !t.is_empty())
            .await?,
        "Enter a topic."
    );
    assert!(app
        .text_of("[data-testid=error-duration]")
        .await?
        .contains("1 minute to 24 hours"));
    assert_eq!(
        app.attr("#s-topic", "aria-invalid").await?.as_deref(),
        Some("true")
    );
    assert_eq!(
        app.count("dialog[open][data-testid=schedule-dialog]")
            .await?,
        1,
        "the dialog stays open"
    );
    app.click("#s-cancel").await?;
    app.wait_for_count("[data-testid=no-meetings]", 1).await?;
    assert_eq!(app.count("[data-testid=meeting]").await?, 0);
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn a_failing_service_keeps_the_dialog_and_everything_typed() -> anyhow::Result<()> {
    let app = App::launch_fresh().await?;
    pmi_of(&app).await;
    fill_schedule(&app, "Budget sync", "15:00", "45", false).await?;
    app.type_into("#s-passcode", "q4budget1").await?;
    app.arm_fault(serde_json::json!({"route": "POST /v2/users/me/meetings", "kind": "status", "status": 503, "count": 20})).await?;
    app.click("#s-save").await?;
    let failure = app
        .wait_for_text("[data-testid=schedule-failure]", |t| !t.is_empty())
        .await?;
    // A 503 may or may not have made it: the meetings are read again and nothing is sent twice;
    // the dialog says to look before saving again, and keeps everything typed.
    assert!(
        failure.contains("Save only if it is not among them"),
        "{failure}"
    );
    assert_eq!(app.count("[data-testid=meeting]").await?, 0);
    assert_eq!(
        app.count("dialog[open][data-testid=schedule-dialog]")
            .await?,
        1
    );
    assert_eq!(app.value_of("#s-topic").await?, "Budget sync");
    assert_eq!(app.value_of("#s-passcode").await?, "q4budget1");
    assert_eq!(app.value_of("#s-time").await?, "15:00");
    assert_eq!(app.value_of("#s-duration").await?, "45");

    // The service recovers: Save again creates the meeting once.
    app.clear_faults().await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;
    assert_eq!(
        app.text_of("[data-testid=meeting] .topic").await?,
        "Budget sync"
    );
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn copy_buttons_put_exactly_the_text_on_the_clipboard() -> anyhow::Result<()> {
    let app = App::launch_fresh().await?;
    let pmi = pmi_of(&app).await;
    app.click("#open-pmi").await?;
    assert_eq!(app.text_of("[data-testid=pmi-window-pmi]").await?, pmi);
    assert_eq!(
        app.text_of("[data-testid=pmi-passcode]").await?,
        "••••••",
        "hidden until shown"
    );
    app.screenshot("pmi-window").await?;

    let personal = app
        .text_of("[data-testid=pmi-window-personal-link]")
        .await?;
    app.click("#copy-personal-link").await?;
    app.wait_for_text("#copy-personal-link", |t| t == "Copied")
        .await?;
    assert_eq!(clipboard_text()?, personal);

    let join = app.text_of("[data-testid=pmi-window-join-link]").await?;
    app.click("#copy-join-link").await?;
    app.wait_for_text("#copy-join-link", |t| t == "Copied")
        .await?;
    assert_eq!(clipboard_text()?, join);
    assert!(
        join.contains(&format!("/j/{}", pmi.replace(' ', ""))),
        "{join}"
    );

    app.click("#copy-invitation").await?;
    app.wait_for_text("#copy-invitation", |t| t == "Copied")
        .await?;
    let invitation = clipboard_text()?;
    assert!(
        invitation.starts_with("Local User is inviting you to a scheduled Zoom meeting."),
        "{invitation}"
    );
    assert!(
        invitation.contains(&join) && invitation.contains(&format!("Meeting ID: {pmi}")),
        "{invitation}"
    );

    app.click("#toggle-passcode").await?;
    let passcode = app.text_of("[data-testid=pmi-passcode]").await?;
    assert!(
        invitation.contains(&format!("Passcode: {passcode}")),
        "{invitation}"
    );
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn settings_keep_the_gap_check_it_and_offer_zoom_sign_in() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    // The autostart entry goes to $HOME/.config/autostart: give the app a home of its own.
    let home = tempfile::tempdir()?;
    let home_dir = home.path().display().to_string();
    let app = App::launch_with(data.path(), &[("HOME", &home_dir)]).await?;
    pmi_of(&app).await;
    app.click("#open-settings").await?;
    let sign_in = app.find("dialog.settings #sign-in").await?;
    assert_eq!(sign_in.attr("disabled").await?, None);
    assert_eq!(sign_in.text().await?, "Sign in with Zoom");
    assert!(app
        .text_of("[data-testid=account-name]")
        .await?
        .starts_with("Built-in local account"));
    app.type_into("#gap", "999").await?;
    // Start at login with a gap that is refused: nothing is saved, and no autostart entry made.
    app.click("#start-at-login").await?;
    app.click("dialog.settings button[type=submit]").await?;
    assert_eq!(
        app.wait_for_text("#err-gap", |t| !t.is_empty()).await?,
        "Choose a gap from 0 to 240 minutes."
    );
    assert!(
        !home.path().join(".config/autostart").exists()
            || std::fs::read_dir(home.path().join(".config/autostart"))?.count() == 0
    );
    app.click("#start-at-login").await?;
    app.type_into("#gap", "30").await?;
    app.screenshot("settings").await?;
    app.click("dialog.settings button[type=submit]").await?;
    app.wait_for_count("dialog.settings", 0).await?;
    app.click("#open-settings").await?;
    assert_eq!(app.value_of("#gap").await?, "30");

    // Start at login writes the desktop's autostart entry, and unchecking removes it. (On
    // Windows it is a Run key in the registry: not written from a test on a shared runner.)
    if cfg!(target_os = "linux") {
        let autostart = home.path().join(".config/autostart");
        let entries = || {
            std::fs::read_dir(&autostart)
                .map(|d| d.count())
                .unwrap_or(0)
        };
        app.click("#start-at-login").await?;
        app.click("dialog.settings button[type=submit]").await?;
        app.wait_for_count("dialog.settings", 0).await?;
        assert_eq!(
            entries(),
            1,
            "an autostart entry in {}",
            autostart.display()
        );
        app.click("#open-settings").await?;
        app.click("#start-at-login").await?;
        app.click("dialog.settings button[type=submit]").await?;
        app.wait_for_count("dialog.settings", 0).await?;
        assert_eq!(entries(), 0);
    }
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn editing_only_the_topic_keeps_the_link_the_passcode_and_every_setting() -> anyhow::Result<()>
{
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    fill_schedule(&app, "Quarterly plan", "14:00", "30", false).await?;
    app.type_into("#s-passcode", "keep12").await?;
    app.click("#s-waiting-room").await?;
    let waiting_room = checked(&app, "#s-waiting-room").await;
    app.click("#s-participant-video-on").await?;
    app.click("#s-recurring").await?;
    app.type_into("#s-end-times", "4").await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;
    select_meeting(&app, "Quarterly plan").await?;
    let link = app.text_of("[data-testid=join-link]").await?;

    // Edit shows it as it is.
    app.click("[data-testid=meeting-edit]").await?;
    app.find("[data-testid=schedule-dialog]").await?;
    assert_eq!(app.value_of("#s-passcode").await?, "keep12");
    assert_eq!(checked(&app, "#s-waiting-room").await, waiting_room);
    assert_eq!(checked(&app, "#s-participant-video-on").await, "true");
    assert_eq!(checked(&app, "#s-recurring").await, "true");
    assert_eq!(app.value_of("#s-end-times").await?, "4");
    assert_eq!(app.value_of("#s-time").await?, "14:00");
    app.screenshot("edit-meeting").await?;

    // Only the topic changes.
    app.type_into("#s-topic", "Quarterly plan, renamed").await?;
    app.click("#s-save").await?;
    app.wait_for_text("[data-testid=meeting] .topic", |t| {
        t == "Quarterly plan, renamed"
    })
    .await?;
    // Still selected after the list is read again, with the same link.
    app.wait_for_text("[data-testid=meeting-detail] h2", |t| {
        t == "Quarterly plan, renamed"
    })
    .await?;
    assert_eq!(app.text_of("[data-testid=join-link]").await?, link);
    app.click("[data-testid=meeting-edit]").await?;
    app.find("[data-testid=schedule-dialog]").await?;
    assert_eq!(app.value_of("#s-passcode").await?, "keep12");
    assert_eq!(checked(&app, "#s-waiting-room").await, waiting_room);
    assert_eq!(checked(&app, "#s-participant-video-on").await, "true");
    assert_eq!(checked(&app, "#s-recurring").await, "true");
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn starting_the_room_near_a_pmi_meeting_asks_first() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    let pmi = pmi_of(&app).await;
    // A PMI meeting ten minutes from now (local clock).
    app.click("#schedule").await?;
    app.schedule_on_pmi("Design review", chrono::Duration::minutes(10))
        .await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;

    app.click("[data-testid=room-start]").await?;
    let asked = app.text_of("[data-testid=choose-dialog]").await?;
    assert!(
        asked.contains("Design review") && asked.contains("Use a new ID"),
        "{asked}"
    );
    app.screenshot("start-near-pmi-meeting").await?;
    let opened_before = app.opened_links().len();
    app.click("#choose-start").await?;
    app.wait_for_text("[data-testid=status]", |t| {
        t.contains("Started your personal room")
    })
    .await?;
    let digits = pmi.replace(' ', "");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !app.opened_links()[opened_before..]
        .iter()
        .any(|l| l.contains(&format!("/s/{digits}")))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            app.opened_links()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn choosing_the_pmi_and_the_personal_link_shows_them_everywhere() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    pmi_of(&app).await;
    app.click("#open-pmi").await?;
    app.find("[data-testid=pmi-window]").await?;
    // As typed, the broken rule is named.
    app.type_into("#new-pmi", "123 456 7890").await?;
    let said = app.wait_for_text("#err-pmi", |t| !t.is_empty()).await?;
    assert!(said.contains("cannot start with 0 or 1"), "{said}");
    app.type_into("#new-pmi", "354 247 1135").await?;
    app.click("#change-pmi").await?;
    app.wait_for_text("[data-testid=pmi-window-pmi]", |t| t == "354 247 1135")
        .await?;
    // A taken name is refused at the field; a free one is taken.
    app.type_into("#new-vanity", "pmidesk.taken").await?;
    let said = app
        .wait_for_text("#err-vanity_name", |t| !t.is_empty())
        .await?;
    assert!(said.contains("someone else's"), "{said}");
    app.type_into("#new-vanity", "jane.doe").await?;
    app.wait_for_text("#vanity-status", |t| t.contains("available"))
        .await?;
    app.click("#change-vanity").await?;
    app.wait_for_text("[data-testid=pmi-window-personal-link]", |t| {
        t.ends_with("/my/jane.doe")
    })
    .await?;
    assert!(app
        .text_of("[data-testid=pmi-window-invitation]")
        .await
        .is_ok());
    app.screenshot("pmi-window-changed").await?;
    app.click("#pmi-close").await?;
    // The tab shows them at once.
    app.wait_for_text("[data-testid=pmi]", |t| t == "354 247 1135")
        .await?;
    app.wait_for_text("[data-testid=personal-link]", |t| {
        t.ends_with("/my/jane.doe")
    })
    .await?;
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn a_pmi_change_that_cannot_be_read_back_leaves_no_old_pmi_on_screen() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    let old = pmi_of(&app).await;
    app.click("#open-pmi").await?;
    app.find("[data-testid=pmi-window]").await?;
    // The change (a PATCH) goes through; every read after it fails.
    app.arm_fault(serde_json::json!({
        "route": "GET /v2/*", "kind": "status", "status": 503, "count": 1000
    }))
    .await?;
    app.type_into("#new-pmi", "354 247 1135").await?;
    app.click("#change-pmi").await?;
    let said = app
        .wait_for_text("[data-testid=error-banner] span", |t| t.contains("changed"))
        .await?;
    assert!(
        said.starts_with("Your Personal Meeting ID is changed"),
        "{said}"
    );
    // Neither the window nor the tab shows the PMI from before the change.
    app.wait_for_count("[data-testid=pmi-window]", 0).await?;
    assert_eq!(app.count("[data-testid=pmi]").await?, 0);
    let page = app.text_of("body").await?;
    assert!(
        !page.contains(&old),
        "the old PMI {old} is on screen: {page}"
    );
    app.screenshot("pmi-change-unread").await?;
    // Once the service answers, Retry shows the new one.
    app.clear_faults().await?;
    app.click("#retry").await?;
    app.wait_for_text("[data-testid=pmi]", |t| t == "354 247 1135")
        .await?;
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn the_two_pane_tab_lists_the_pmi_first_then_meetings_by_day_and_shows_the_selected_one(
) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    let pmi = pmi_of(&app).await;
    // One meeting in two hours (today, unless that is after midnight), one tomorrow on the PMI.
    app.click("#schedule").await?;
    app.find("[data-testid=schedule-dialog]").await?;
    app.type_into("#s-topic", "Budget sync").await?;
    app.choose(
        "s-date",
        &local_time(chrono::Duration::hours(2), "%Y-%m-%d"),
    )
    .await?;
    app.choose("s-time", &local_time(chrono::Duration::hours(2), "%H:%M"))
        .await?;
    app.click("#s-auto-id").await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;
    fill_schedule(&app, "Design review", "10:00", "45", true).await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 2).await?;

    // The list: My Personal Meeting ID first (selected), then the meetings under their day.
    let options = app
        .client
        .find_all(Locator::Css("#meeting-list [role=option]"))
        .await?;
    assert_eq!(options.len(), 3);
    assert_eq!(
        options[0].attr("data-testid").await?.as_deref(),
        Some("pmi-item")
    );
    let first = options[0].text().await?;
    assert!(
        first.contains("My Personal Meeting ID (PMI)") && first.contains(&pmi),
        "{first}"
    );
    assert_eq!(
        options[0].attr("aria-selected").await?.as_deref(),
        Some("true")
    );
    let today = local_time(chrono::Duration::zero(), "%Y-%m-%d")
        == local_time(chrono::Duration::hours(2), "%Y-%m-%d");
    let expected: Vec<(String, Vec<String>)> = if today {
        vec![
            ("Today".into(), vec!["Budget sync".into()]),
            ("Tomorrow".into(), vec!["Design review".into()]),
        ]
    } else {
        vec![(
            "Tomorrow".into(),
            vec!["Budget sync".into(), "Design review".into()],
        )]
    };
    assert_eq!(day_groups(&app).await, expected);
    // No long links in the list, and the PMI meeting has its badge.
    let list = app.text_of("#meeting-list").await?;
    assert!(!list.contains("pwd=") && !list.contains("http"), "{list}");
    assert_eq!(app.count("#meeting-list [data-testid=pmi-badge]").await?, 1);

    // The selected meeting on the right: topic, time, Meeting ID, its link and its buttons.
    select_meeting(&app, "Design review").await?;
    let when = app.text_of("[data-testid=meeting-when]").await?;
    assert!(when.contains("10:00") && when.contains("45 min"), "{when}");
    assert_eq!(app.text_of("[data-testid=meeting-id]").await?, pmi);
    assert_eq!(
        app.text_of("[data-testid=meeting-detail] .badge").await?,
        "PMI"
    );
    let link = app
        .text_of("[data-testid=meeting-detail] [data-testid=join-link]")
        .await?;
    assert!(link.contains("pwd=") && link.contains("omn="), "{link}");
    for button in [
        "meeting-start",
        "meeting-copy-invitation",
        "meeting-edit",
        "meeting-delete",
    ] {
        assert_eq!(
            app.count(&format!(
                "[data-testid=meeting-detail] [data-testid={button}]"
            ))
            .await?,
            1,
            "{button}"
        );
    }
    assert_eq!(app.count("[data-testid=room-detail]").await?, 0);
    app.screenshot("meetings-tab").await?;
    app.quit().await?;

    // The same in a dark desktop theme.
    let dark = App::launch_with(data.path(), &[("GTK_THEME", "Adwaita:dark")]).await?;
    pmi_of(&dark).await;
    dark.wait_for_count("[data-testid=meeting]", 2).await?;
    select_meeting(&dark, "Design review").await?;
    dark.screenshot("meetings-tab-dark").await?;
    dark.quit().await?;
    Ok(())
}

#[tokio::test]
async fn arrow_keys_select_a_meeting_and_enter_starts_it() -> anyhow::Result<()> {
    let app = App::launch_fresh().await?;
    pmi_of(&app).await;
    fill_schedule(&app, "Keyboard sync", "11:00", "30", false).await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;
    let id = app.attr("[data-testid=meeting]", "data-id").await?.unwrap();

    // Focus the list on its first item, My Personal Meeting ID; Down selects the meeting.
    app.click("#pmi-option").await?;
    app.client
        .active_element()
        .await?
        .send_keys(&Key::Down)
        .await?;
    app.wait_for_text("[data-testid=meeting-detail] h2", |t| t == "Keyboard sync")
        .await?;
    assert_eq!(
        app.attr("[data-testid=meeting]", "aria-selected")
            .await?
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        app.attr("#pmi-option", "aria-selected").await?.as_deref(),
        Some("false")
    );
    let focused = app.client.active_element().await?;
    assert_eq!(focused.attr("data-id").await?.as_deref(), Some(id.as_str()));
    // Up goes back to the personal room, Down to the meeting again.
    focused.send_keys(&Key::Up).await?;
    app.find("[data-testid=room-detail]").await?;
    app.client
        .active_element()
        .await?
        .send_keys(&Key::Down)
        .await?;
    app.wait_for_text("[data-testid=meeting-detail] h2", |t| t == "Keyboard sync")
        .await?;

    // Enter starts the selected meeting.
    let opened_before = app.opened_links().len();
    app.client
        .active_element()
        .await?
        .send_keys(&Key::Enter)
        .await?;
    app.wait_for_text("[data-testid=status]", |t| t == "Started “Keyboard sync”")
        .await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !app.opened_links()[opened_before..]
        .iter()
        .any(|l| l.contains(&format!("/s/{id}")))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            app.opened_links()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn show_meeting_invitation_unfolds_the_invitation_of_the_selected_item() -> anyhow::Result<()>
{
    let app = App::launch_fresh().await?;
    let pmi = pmi_of(&app).await;
    fill_schedule(&app, "Invitation check", "16:00", "30", false).await?;
    app.type_into("#s-passcode", "inv1234").await?;
    app.click("#s-save").await?;
    app.wait_for_count("[data-testid=meeting]", 1).await?;

    // The personal room's invitation, folded until asked for.
    assert_eq!(
        app.attr("#show-invitation", "aria-expanded")
            .await?
            .as_deref(),
        Some("false")
    );
    assert_eq!(app.text_of("[data-testid=invitation]").await?, "");
    app.click("#show-invitation").await?;
    let room = app
        .wait_for_text("[data-testid=invitation]", |t| !t.is_empty())
        .await?;
    assert!(
        room.starts_with("Local User is inviting you") && room.contains(&pmi),
        "{room}"
    );
    assert_eq!(
        app.text_of("#show-invitation").await?,
        "Hide Meeting Invitation"
    );

    // The meeting's: Zoom's own invitation of it, with its topic, link, Meeting ID and passcode.
    select_meeting(&app, "Invitation check").await?;
    let link = app.text_of("[data-testid=join-link]").await?;
    let number = app.text_of("[data-testid=meeting-id]").await?;
    app.click("#show-invitation").await?;
    let shown = app
        .wait_for_text("[data-testid=invitation]", |t| t.contains("Passcode:"))
        .await?;
    assert!(
        shown.contains("Local User is inviting you to a scheduled Zoom meeting")
            && shown.contains("Topic: Invitation check")
            && shown.contains(&link)
            && shown.contains(&format!("Meeting ID: {number}"))
            && shown.contains("Passcode: inv1234"),
        "{shown}"
    );
    app.screenshot("meeting-invitation").await?;
    // Copy Invitation puts Zoom's own invitation of that meeting on the clipboard.
    app.click("[data-testid=meeting-copy-invitation]").await?;
    app.wait_for_text("[data-testid=meeting-copy-invitation]", |t| t == "Copied")
        .await?;
    let copied = clipboard_text()?;
    assert!(
        copied.contains("Invitation check") && copied.contains(&link),
        "{copied}"
    );
    app.quit().await?;
    Ok(())
}
