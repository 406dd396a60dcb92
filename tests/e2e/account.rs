//! "Sign in with Zoom" on the real window. A standalone local service plays Zoom (another user,
//! another PMI, a public client, sign-in approved at once); the app is pointed at it by the
//! environment, and the test's browser (`record-link`) follows the authorize page back to the
//! app's loopback listener. The refresh token goes to the system's real keychain: the session's
//! Secret Service (gnome-keyring) on Linux, the Credential Manager on Windows. A keychain that is
//! missing or locked is a Secret Service matter: those tests run on Linux.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
#[cfg(target_os = "linux")]
use std::time::Duration;

use pmi_desk_e2e::{admin_token, files_containing, App};
use zoom_sandbox::{Config, Consent, Sandbox};

const CLIENT_ID: &str = "pmi-desk-e2e-public";

/// The service playing Zoom, and its user's PMI as Zoom would show it ("xxx xxx xxxx").
async fn zoom() -> (Sandbox, tempfile::TempDir, String) {
    zoom_asking(Consent::AutoApprove).await
}

async fn zoom_asking(consent: Consent) -> (Sandbox, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.public_client_id = Some(CLIENT_ID.into());
    config.authorize = Some(consent);
    config.display_name = "Zoe Zoom".into();
    config.email = "zoe@zoom.example.com".into();
    let sandbox = Sandbox::start(config).await.unwrap();
    let me: serde_json::Value = pmi_desk_e2e::http()
        .get(format!("{}/v2/users/me", sandbox.base_url()))
        .bearer_auth(admin_token(&sandbox).await.unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let digits = me["pmi"].to_string();
    let pmi = format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..]);
    (sandbox, dir, pmi)
}

/// The environment that points the app at the service playing Zoom.
fn zoom_env(sandbox: &Sandbox) -> Vec<(String, String)> {
    vec![
        ("PMI_DESK_ZOOM_CLIENT_ID".into(), CLIENT_ID.into()),
        ("PMI_DESK_ZOOM_OAUTH_URL".into(), sandbox.base_url().into()),
        (
            "PMI_DESK_ZOOM_API_URL".into(),
            format!("{}/v2", sandbox.base_url()),
        ),
    ]
}

async fn launch(data: &Path, env: &[(String, String)], extra: &[(&str, &str)]) -> App {
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    all.extend_from_slice(extra);
    App::launch_with(data, &all).await.unwrap()
}

async fn pmi_of(app: &App) -> String {
    app.wait_for_text("[data-testid=pmi]", |t| t.len() == 12)
        .await
        .unwrap()
}

fn keychain_entry(data: &Path) -> String {
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("account.json")).unwrap()).unwrap();
    record["keychain_entry"].as_str().unwrap().to_owned()
}

fn keychain(entry: &str) -> Option<String> {
    match keyring::Entry::new("app.pmidesk.desktop", entry)
        .unwrap()
        .get_password()
    {
        Ok(secret) => Some(secret),
        Err(keyring::Error::NoEntry) => None,
        Err(other) => panic!("the keychain failed: {other}"),
    }
}

async fn refresh_is_refused(sandbox: &Sandbox, token: &str) -> bool {
    pmi_desk_e2e::http()
        .post(format!("{}/oauth/token", sandbox.base_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", CLIENT_ID),
        ])
        .send()
        .await
        .unwrap()
        .status()
        == 400
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_with_zoom_shows_that_account_across_a_restart_until_sign_out() -> anyhow::Result<()>
{
    let (sandbox, _zoom_dir, zoom_pmi) = zoom().await;
    let env = zoom_env(&sandbox);
    let data = tempfile::tempdir()?;
    let app = launch(data.path(), &env, &[("PMI_DESK_TEST_SIGN_IN", "follow")]).await;
    let local_pmi = pmi_of(&app).await;
    assert_ne!(local_pmi, zoom_pmi);

    app.click("#open-settings").await?;
    assert_eq!(
        app.value_of("#zoom-client-id").await?,
        CLIENT_ID,
        "the environment's Client ID is shown"
    );
    app.click("#sign-in").await?;
    let who = app
        .wait_for_text("[data-testid=account-name]", |t| t.starts_with("Signed in"))
        .await?;
    assert_eq!(who, "Signed in to Zoom as Zoe Zoom (zoe@zoom.example.com).");
    app.screenshot("settings-zoom-account").await?;
    app.client
        .execute("document.querySelector('dialog.settings').close()", vec![])
        .await?;
    // The Meetings tab now shows the Zoom user's PMI and personal link.
    app.wait_for_text("[data-testid=pmi]", |t| t == zoom_pmi)
        .await?;
    let link = app.text_of("[data-testid=personal-link]").await?;
    assert!(link.starts_with(sandbox.base_url()), "{link}");
    assert!(app
        .opened_links()
        .iter()
        .any(|l| l.starts_with(&format!("{}/oauth/authorize?", sandbox.base_url()))));

    // The refresh token is in the Secret Service and in no file under the app's folder.
    let entry = keychain_entry(data.path());
    let token = keychain(&entry).expect("the refresh token is in the keychain");
    assert!(files_containing(data.path(), &token).is_empty());
    app.quit().await?;

    // Restart: still signed in, with no browser.
    let opened_before = std::fs::read_to_string(data.path().join("opened-links.txt"))?;
    let app = launch(data.path(), &env, &[]).await;
    app.wait_for_text("[data-testid=pmi]", |t| t == zoom_pmi)
        .await?;
    let opened_after = std::fs::read_to_string(data.path().join("opened-links.txt"))?;
    assert_eq!(opened_before, opened_after, "no browser on restart");

    // Sign out: the local account again, and the old refresh token is refused by the service.
    let latest = keychain(&entry).unwrap();
    app.click("#open-settings").await?;
    app.click("#sign-out").await?;
    app.wait_for_text("[data-testid=account-name]", |t| t.starts_with("Built-in"))
        .await?;
    app.client
        .execute("document.querySelector('dialog.settings').close()", vec![])
        .await?;
    app.wait_for_text("[data-testid=pmi]", |t| t == local_pmi)
        .await?;
    assert_eq!(keychain(&entry), None, "the keychain entry is deleted");
    assert!(refresh_is_refused(&sandbox, &latest).await);
    assert!(refresh_is_refused(&sandbox, &token).await);
    assert!(
        !data.path().join("account.json").exists()
            || std::fs::read_to_string(data.path().join("account.json"))?.contains("\"local\"")
    );
    app.quit().await?;
    Ok(())
}

#[cfg(target_os = "linux")]
/// Signs in where the keychain cannot take the token: Settings says so, the window shows the
/// Zoom account, and nothing of it is written: no refresh token (the service's start with
/// `sbx_rt_`), no account record, no cache with its PMI.
async fn signs_in_for_this_run_only(app: &App, data: &Path, zoom_pmi: &str) {
    app.click("#open-settings").await.unwrap();
    app.click("#sign-in").await.unwrap();
    let problem = app.text_of("[data-testid=keychain-problem]").await.unwrap();
    assert!(
        problem.contains("keychain") && problem.contains("until PMI Desk quits"),
        "{problem}"
    );
    app.client
        .execute("document.querySelector('dialog.settings').close()", vec![])
        .await
        .unwrap();
    app.wait_for_text("[data-testid=pmi]", |t| t == zoom_pmi)
        .await
        .unwrap();
    assert!(files_containing(data, "sbx_rt_").is_empty());
    assert!(!data.join("account.json").exists());
    assert!(files_containing(data, &zoom_pmi.replace(' ', "")).is_empty());
}

/// Clicks Sign in with Zoom and returns what Settings then says under it.
async fn sign_in_says(app: &App) -> String {
    app.click("#open-settings").await.unwrap();
    app.click("#sign-in").await.unwrap();
    let said = app.text_of("[data-testid=account-message]").await.unwrap();
    // The button is back for another try, and the account is still the local one.
    app.find("#sign-in").await.unwrap();
    assert!(app
        .text_of("[data-testid=account-name]")
        .await
        .unwrap()
        .starts_with("Built-in"));
    said
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deny_a_forged_answer_and_no_answer_are_each_said_in_settings() -> anyhow::Result<()> {
    // Deny on Zoom's consent page.
    let (asking, _dir, _) = zoom_asking(Consent::Ask).await;
    let data = tempfile::tempdir()?;
    let app = launch(
        data.path(),
        &zoom_env(&asking),
        &[("PMI_DESK_TEST_SIGN_IN", "deny")],
    )
    .await;
    pmi_of(&app).await;
    let said = sign_in_says(&app).await;
    assert!(said.contains("Deny"), "{said}");
    app.screenshot("settings-sign-in-denied").await?;
    app.quit().await?;

    // An answer whose state is not this sign-in's.
    let (sandbox, _dir, _) = zoom().await;
    let env = zoom_env(&sandbox);
    let app = launch(data.path(), &env, &[("PMI_DESK_TEST_SIGN_IN", "forge")]).await;
    pmi_of(&app).await;
    let said = sign_in_says(&app).await;
    assert!(said.contains("state did not match"), "{said}");
    app.quit().await?;

    // No answer at all: the browser was closed.
    let app = launch(data.path(), &env, &[("PMI_DESK_SIGN_IN_TIMEOUT_SECS", "2")]).await;
    pmi_of(&app).await;
    let said = sign_in_says(&app).await;
    assert!(said.contains("within 2 seconds"), "{said}");
    app.quit().await?;
    assert!(!data.path().join("account.json").exists());
    Ok(())
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_the_sign_in_lasts_this_run_only_and_nothing_is_written(
) -> anyhow::Result<()> {
    let (sandbox, _zoom_dir, zoom_pmi) = zoom().await;
    let env = zoom_env(&sandbox);
    let data = tempfile::tempdir()?;
    // No session bus: no Secret Service.
    let app = launch(
        data.path(),
        &env,
        &[
            ("PMI_DESK_TEST_SIGN_IN", "follow"),
            (
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/pmi-desk-bus",
            ),
        ],
    )
    .await;
    let local_pmi = pmi_of(&app).await;
    signs_in_for_this_run_only(&app, data.path(), &zoom_pmi).await;
    app.quit().await?;

    // Next run: the local account.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let app = launch(data.path(), &env, &[]).await;
    assert_eq!(pmi_of(&app).await, local_pmi);
    app.quit().await?;
    Ok(())
}

#[cfg(target_os = "linux")]
/// A session bus of the test's own with a gnome-keyring whose login keyring is locked, as after
/// the screen locks. Ends the bus (and the keyring daemon with it) when dropped.
struct LockedKeyring {
    address: String,
    bus_pid: String,
    _dir: tempfile::TempDir,
}

#[cfg(target_os = "linux")]
impl LockedKeyring {
    fn start() -> Self {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let address = lines.next().unwrap().trim().to_owned();
        let bus_pid = lines.next().unwrap().trim().to_owned();
        let dir = tempfile::tempdir().unwrap();
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--daemonize"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("XDG_DATA_HOME", dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        daemon
            .stdin
            .take()
            .unwrap()
            .write_all(b"a-password")
            .unwrap();
        assert!(daemon.wait().unwrap().success());
        // Lock the login keyring once the daemon serves it (slow to come when the machine is
        // busy, as right after a build).
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let locked = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.secrets",
                    "/org/freedesktop/secrets",
                    "org.freedesktop.Secret.Service.Lock",
                    "array:objpath:/org/freedesktop/secrets/collection/login",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .output()
                .unwrap();
            if String::from_utf8_lossy(&locked.stdout).contains("collection/login") {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "could not lock the keyring: {}{}",
                String::from_utf8_lossy(&locked.stdout),
                String::from_utf8_lossy(&locked.stderr)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self {
            address,
            bus_pid,
            _dir: dir,
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for LockedKeyring {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .arg(&self.bus_pid)
            .status();
    }
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_keychain_is_said_plainly_and_nothing_is_written() -> anyhow::Result<()> {
    let (sandbox, _zoom_dir, zoom_pmi) = zoom().await;
    let env = zoom_env(&sandbox);
    let keyring = LockedKeyring::start();
    let data = tempfile::tempdir()?;
    let app = launch(
        data.path(),
        &env,
        &[
            ("PMI_DESK_TEST_SIGN_IN", "follow"),
            ("DBUS_SESSION_BUS_ADDRESS", &keyring.address),
            ("PMI_DESK_KEYCHAIN_TIMEOUT_SECS", "2"),
        ],
    )
    .await;
    pmi_of(&app).await;
    signs_in_for_this_run_only(&app, data.path(), &zoom_pmi).await;
    app.quit().await?;
    Ok(())
}
