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
    // Its log says whether it started the built-in service (the app starts it as soon as it is
    // built, once past the single-instance check).
    let log = tempfile::NamedTempFile::new()?;
    let mut second = std::process::Command::new(pmi_desk_e2e::app_binary())
        .env("PMI_DESK_DATA_DIR", data.path())
        .env("RUST_LOG", "info")
        .stdout(log.reopen()?)
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
    // It started no service of its own on the first one's data folder.
    let said = std::fs::read_to_string(log.path())?;
    assert!(
        !said.contains("sandbox listening") && !said.contains("local account started"),
        "the second launch started the built-in service:\n{said}"
    );
    // The first one is still there and still answers.
    assert_eq!(app.text_of("[data-testid=pmi]").await?, pmi);
    app.quit().await?;
    Ok(())
}

/// GTK's theme: Windows' and macOS' dark modes come from the system's settings instead.
#[cfg(target_os = "linux")]
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
    app.quit().await?;
    Ok(())
}

/// The dialog is answered with keys sent to the X server (xdotool).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_data_folder_it_cannot_use_is_said_in_a_dialog_and_it_exits_with_an_error(
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    std::fs::write(dir.path().join("a-file"), b"")?;
    let data = dir.path().join("a-file/data");
    let mut app = std::process::Command::new(pmi_desk_e2e::app_binary())
        .env("PMI_DESK_DATA_DIR", &data)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let xdotool = |args: &[&str]| -> anyhow::Result<String> {
        let out = std::process::Command::new("xdotool").args(args).output()?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let window = loop {
        let found = xdotool(&["search", "--name", "PMI Desk could not start"])?;
        if let Some(id) = found.lines().next() {
            break id.to_owned();
        }
        if std::time::Instant::now() > deadline || app.try_wait()?.is_some() {
            let _ = app.kill();
            anyhow::bail!("no dialog said why PMI Desk could not start");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    // OK closes the dialog, and the app with it.
    xdotool(&["windowfocus", "--sync", &window])?;
    xdotool(&["key", "Return"])?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = app.try_wait()? {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = app.kill();
            anyhow::bail!("the app did not exit after its dialog");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(status.code(), Some(1));
    Ok(())
}

#[tokio::test]
async fn a_broken_local_database_is_said_in_the_window_with_where_it_is() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let service = data.path().join("local-account");
    std::fs::create_dir_all(&service)?;
    std::fs::write(
        service.join("sandbox.sqlite3"),
        b"this is not a database, not at all",
    )?;
    let app = App::launch_on(data.path()).await?;
    let said = app
        .wait_for_text("[data-testid=error-banner]", |t| !t.is_empty())
        .await?;
    assert!(
        said.contains("could not start") && said.contains(&service.display().to_string()),
        "{said}"
    );
    app.quit().await?;
    Ok(())
}

/// The environments of the WebKit web processes painting the app started on `data_dir`.
#[cfg(target_os = "linux")]
fn web_process_environments(data_dir: &std::path::Path) -> Vec<Vec<String>> {
    let ours = format!("PMI_DESK_DATA_DIR={}", data_dir.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|p| {
            std::fs::read_to_string(p.path().join("comm"))
                .is_ok_and(|comm| comm.trim() == "WebKitWebProces")
        })
        .filter_map(|p| std::fs::read(p.path().join("environ")).ok())
        .map(|environ| {
            environ
                .split(|b| *b == 0)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect::<Vec<_>>()
        })
        .filter(|vars| vars.contains(&ours))
        .collect()
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn without_a_gpu_device_the_page_is_painted_on_the_cpu_without_compositing(
) -> anyhow::Result<()> {
    let has_gpu = pmi_desk_e2e::has_a_gpu_device();
    let data = tempfile::tempdir()?;
    let app = App::launch_on(data.path()).await?;
    app.text_of("[data-testid=pmi]").await?;
    let environments = web_process_environments(data.path());
    assert!(!environments.is_empty(), "no web process found for the app");
    for vars in environments {
        for var in pmi_desk_e2e::WITHOUT_A_GPU {
            assert_eq!(
                vars.contains(&format!("{var}=1")),
                !has_gpu,
                "{var}, GPU device: {has_gpu}"
            );
        }
    }
    app.quit().await?;
    Ok(())
}
