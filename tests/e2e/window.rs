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
