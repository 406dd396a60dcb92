//! The real window, driven through WebDriver: it opens on the built-in local account with no
//! configuration and shows the personal room. Run one at a time (each test owns its app).

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pmi_desk_e2e::App;

fn looks_like_a_pmi(text: &str) -> bool {
    let groups: Vec<&str> = text.split(' ').collect();
    groups.len() == 3
        && groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [3, 3, 4]
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
}

#[tokio::test]
async fn the_window_opens_on_the_built_in_account_and_shows_the_pmi() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    assert_eq!(app.client.title().await?, "PMI Desk");
    let heading = app.text_of(".room h2").await?;
    assert_eq!(heading, "Personal Meeting ID (PMI)");
    let pmi = app.text_of("[data-testid=pmi]").await?;
    assert!(looks_like_a_pmi(&pmi), "PMI shown as {pmi:?}");
    let link = app.text_of("[data-testid=personal-link]").await?;
    assert!(
        link.starts_with("http://127.0.0.1:") && link.ends_with("/my/local.user"),
        "{link}"
    );

    // The PMI is chosen once and kept: a second launch on the same data shows the same number.
    app.quit().await?;
    let again = App::launch_on(data.path()).await?;
    assert_eq!(again.text_of("[data-testid=pmi]").await?, pmi);
    again.quit().await?;
    Ok(())
}

#[tokio::test]
async fn a_second_launch_hands_over_to_the_running_app_and_exits() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    let pmi = app.text_of("[data-testid=pmi]").await?;
    let started = std::time::Instant::now();
    let mut second = std::process::Command::new(pmi_desk_e2e::app_binary())
        .env("PMI_DESK_DATA_DIR", data.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let status = loop {
        if let Some(status) = second.try_wait()? {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = second.kill();
            anyhow::bail!("the second launch kept running instead of handing over");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(status.success(), "the second launch exited with {status}");
    // The first one is still there and still answers.
    assert_eq!(app.text_of("[data-testid=pmi]").await?, pmi);
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn the_theme_follows_the_desktop_into_dark() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let app = App::launch_with(data.path(), &[("GTK_THEME", "Adwaita:dark")]).await?;
    app.text_of("[data-testid=pmi]").await?;
    let background = app
        .client
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await?;
    let rgb: Vec<u32> = background
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    assert!(
        rgb.len() == 3 && rgb.iter().all(|&c| c < 64),
        "background {background}"
    );
    app.screenshot("meetings-tab-dark").await?;
    app.quit().await?;
    Ok(())
}
