//! The Personal Meeting ID window's PMI Settings on the real window: every setting written and
//! read back, the passcode chosen (and a wrong one refused with the rule named), and a setting
//! the account admin locked shown disabled with its real value — for each kind of control.
//! Run one at a time: each test owns its app.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pmi_desk_e2e::{lock_on_account, App};

async fn open_pmi_window(app: &App) -> anyhow::Result<()> {
    app.wait_for_text("[data-testid=pmi]", |t| t.len() == 12)
        .await?;
    app.click("#open-pmi").await?;
    app.find("[data-testid=pmi-window]").await?;
    Ok(())
}

async fn prop(app: &App, css: &str, name: &str) -> String {
    app.find(css)
        .await
        .unwrap()
        .prop(name)
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Waits until the PMI Settings have the service's answer to the last change.
async fn settled(app: &App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app
        .attr("section.room-settings", "aria-busy")
        .await
        .unwrap()
        .as_deref()
        != Some("false")
    {
        assert!(std::time::Instant::now() < deadline, "no answer");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Waits until a control shows `value` for `name` ("checked", "value", "disabled").
async fn wait_for_prop(app: &App, css: &str, name: &str, value: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let now = prop(app, css, name).await;
        if now == value {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} {name} is {now}, not {value}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn every_pmi_setting_is_written_and_read_back_and_the_passcode_is_chosen(
) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    open_pmi_window(&app).await?;

    let mut before = Vec::new();
    for id in [
        "#room-waiting-room",
        "#room-mute",
        "#room-host-video",
        "#room-participant-video",
        "#room-authenticated",
        "#room-jbh",
    ] {
        let was = prop(&app, id, "checked").await;
        app.click(id).await?;
        settled(&app).await;
        // The service's answer, not the click, is what the switch shows now.
        let flipped = if was == "true" { "false" } else { "true" };
        assert_eq!(prop(&app, id, "checked").await, flipped, "{id} held");
        before.push(flipped.to_owned());
    }
    assert_eq!(
        app.count(".locked-note").await?,
        0,
        "nothing is locked here"
    );
    wait_for_prop(&app, "#room-jbh-minutes", "disabled", "false").await;
    app.choose("room-jbh-minutes", "10").await?;
    settled(&app).await;
    app.choose("room-audio", "telephony").await?;
    settled(&app).await;
    assert_eq!(prop(&app, "#room-jbh-minutes", "value").await, "10");
    assert_eq!(prop(&app, "#room-audio", "value").await, "telephony");

    // The passcode: a wrong one names the rule and keeps what was typed; a right one is shown.
    app.type_into("#room-passcode-text", "ab").await?;
    app.click("#save-passcode").await?;
    let said = app
        .wait_for_text("[data-testid=err-room-passcode]", |t| !t.is_empty())
        .await?;
    assert_eq!(said, "Use at least 6 characters.");
    assert_eq!(app.value_of("#room-passcode-text").await?, "ab");
    app.find("#room-passcode-text").await?.clear().await?;
    app.type_into("#room-passcode-text", "Pmi-2468").await?;
    app.click("#save-passcode").await?;
    app.wait_for_text("[data-testid=err-room-passcode]", str::is_empty)
        .await?;
    app.click("#toggle-passcode").await?;
    app.wait_for_text("[data-testid=pmi-passcode]", |t| t == "Pmi-2468")
        .await?;
    app.screenshot("pmi-settings").await?;

    // Read back: a new window on the same account shows everything as it was left.
    app.click("#pmi-close").await?;
    let data_dir = app.data_dir.clone();
    app.quit().await?;
    let app = App::launch_on(&data_dir).await?;
    open_pmi_window(&app).await?;
    for (id, was) in [
        "#room-waiting-room",
        "#room-mute",
        "#room-host-video",
        "#room-participant-video",
        "#room-authenticated",
        "#room-jbh",
    ]
    .iter()
    .zip(&before)
    {
        assert_eq!(&prop(&app, id, "checked").await, was, "{id}");
    }
    assert_eq!(prop(&app, "#room-jbh-minutes", "value").await, "10");
    assert_eq!(prop(&app, "#room-audio", "value").await, "telephony");
    app.click("#toggle-passcode").await?;
    assert_eq!(app.text_of("[data-testid=pmi-passcode]").await?, "Pmi-2468");
    app.quit().await?;
    drop(data);
    Ok(())
}

#[tokio::test]
async fn each_kind_of_setting_the_admin_locked_is_shown_disabled_with_its_real_value(
) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    lock_on_account(
        data.path(),
        serde_json::json!({
            "schedule_meeting": {
                "require_password_for_pmi_meetings": true, "join_before_host": true,
                "audio_type": true,
                // Zoom's lock settings do not show this one: only a change that does not hold.
                "mute_upon_entry": true,
            },
            "meeting_security": {"waiting_room": true},
        }),
    )
    .await?;
    let app = App::launch_on(data.path()).await?;
    open_pmi_window(&app).await?;
    // A switch, the passcode, a switch with its minutes, a choice: each disabled, its value
    // the account's, and the reason.
    for (css, testid) in [
        ("#room-waiting-room", "locked-waiting_room"),
        ("#room-passcode", "locked-passcode"),
        ("#room-jbh", "locked-join_before_host"),
        ("#room-audio", "locked-audio"),
    ] {
        assert_eq!(prop(&app, css, "disabled").await, "true", "{css}");
        assert_eq!(
            app.text_of(&format!("[data-testid={testid}]")).await?,
            "Locked by your account admin"
        );
    }
    assert_eq!(prop(&app, "#room-jbh-minutes", "disabled").await, "true");
    assert_eq!(prop(&app, "#room-passcode", "checked").await, "true");
    assert_eq!(prop(&app, "#room-waiting-room", "checked").await, "false");
    assert_eq!(prop(&app, "#room-audio", "value").await, "voip");
    // The passcode's text can still change while it must stay on.
    assert_eq!(prop(&app, "#room-passcode-text", "disabled").await, "false");

    // Mute upon entry is not in the lock settings: it looks free until a change does not hold;
    // then it says so, with its real value, and may be tried again.
    assert_eq!(prop(&app, "#room-mute", "disabled").await, "false");
    app.click("#room-mute").await?;
    app.wait_for_text("[data-testid=locked-mute_upon_entry]", |t| {
        t == "Locked by your account admin"
    })
    .await?;
    settled(&app).await;
    assert_eq!(prop(&app, "#room-mute", "checked").await, "false");
    assert_eq!(prop(&app, "#room-mute", "disabled").await, "false");
    app.screenshot("pmi-settings-locked").await?;
    app.quit().await?;
    Ok(())
}
