//! "Sign in with Zoom" through the IPC, against a standalone local service that plays Zoom (its
//! own user and PMI, a public client, sign-in approved at once). The test plays the browser: it
//! takes the authorize URL the app opened and follows it, or answers the app's loopback
//! redirect itself. Tokens go to the real Secret Service (`make test` runs gnome-keyring).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tauri::Manager;
use zoom_sandbox::{Config, Consent, Sandbox};

use super::{block, http, opened_links, start, start_with, TestApp};
use crate::tray::{perform, TrayAction};
use crate::{Patience, ZoomEndpoints, ZoomSignIn};

const CLIENT_ID: &str = "pmi-desk-test-public";

struct Zoom {
    sandbox: Sandbox,
    _dir: tempfile::TempDir,
}

/// A service playing Zoom for "Zoe Zoom", with its own PMI.
fn zoom() -> Zoom {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.public_client_id = Some(CLIENT_ID.into());
    config.authorize = Some(Consent::AutoApprove);
    config.display_name = "Zoe Zoom".into();
    config.email = "zoe@zoom.example.com".into();
    let sandbox = block(Sandbox::start(config)).unwrap();
    Zoom { sandbox, _dir: dir }
}

fn sign_in_config(zoom: &Zoom) -> ZoomSignIn {
    ZoomSignIn {
        client_id_from_env: Some(CLIENT_ID.into()),
        client_id_built_in: None,
        endpoints: ZoomEndpoints {
            oauth_url: zoom.sandbox.base_url().into(),
            api_url: format!("{}/v2", zoom.sandbox.base_url()),
        },
        patience: Patience {
            sign_in: Duration::from_secs(20),
            keychain: Duration::from_secs(10),
        },
    }
}

/// The authorize URL the app opened for `zoom`, once it has.
fn wait_for_authorize_url(zoom: &Zoom) -> url::Url {
    let prefix = format!("{}/oauth/authorize", zoom.sandbox.base_url());
    let found = super::wait_for_opened(|l| l.starts_with(&prefix));
    url::Url::parse(&found.unwrap_or_else(|| panic!("not opened: {:?}", opened_links()))).unwrap()
}

fn param(url: &url::Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Signs in as the test browser does with `browse`, which gets the authorize URL.
fn sign_in_with(
    t: &TestApp,
    zoom: &Zoom,
    browse: impl FnOnce(url::Url) + Send + 'static,
) -> Result<Value, Value> {
    let prefix = format!("{}/oauth/authorize", zoom.sandbox.base_url());
    // Only a page opened by this sign-in, not by an earlier one.
    let earlier = opened_links().len();
    let browser = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let opened = opened_links();
            if let Some(url) = opened.iter().skip(earlier).find(|l| l.starts_with(&prefix)) {
                browse(url::Url::parse(url).unwrap());
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let result = t.invoke("sign_in", json!({"clientId": null}));
    browser.join().unwrap();
    result
}

/// The browser follows Zoom's page, which approves and redirects to the app's listener.
fn follow(url: url::Url) {
    let page = block(async { http().get(url).send().await.unwrap().text().await.unwrap() });
    assert!(page.contains("signed in to PMI Desk"), "{page}");
}

/// The browser goes to the app's redirect URI with `pairs` (and nothing from Zoom).
fn answer(pairs: &'static [(&'static str, &'static str)]) -> impl FnOnce(url::Url) + Send {
    move |authorize| {
        let mut redirect = url::Url::parse(&param(&authorize, "redirect_uri")).unwrap();
        for (k, v) in pairs {
            let v = if *v == "$state" {
                param(&authorize, "state")
            } else {
                (*v).to_owned()
            };
            redirect.query_pairs_mut().append_pair(k, &v);
        }
        block(async {
            http()
                .get(redirect)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        });
    }
}

fn keychain_entry(t: &TestApp) -> String {
    let record: Value =
        serde_json::from_slice(&std::fs::read(t.dir.path().join("account.json")).unwrap()).unwrap();
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

/// Waits until the keychain's entry satisfies `ok` (rotated tokens are saved in the background).
fn wait_for_keychain(entry: &str, ok: impl Fn(Option<&str>) -> bool) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let value = keychain(entry);
        if ok(value.as_deref()) || Instant::now() > deadline {
            return value;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every file under `dir`, read as bytes.
fn files_contain(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
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

fn refresh_is_refused(zoom: &Zoom, token: &str) -> bool {
    block(async {
        let response = http()
            .post(format!("{}/oauth/token", zoom.sandbox.base_url()))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", token),
                ("client_id", CLIENT_ID),
            ])
            .send()
            .await
            .unwrap();
        response.status() == 400
    })
}

#[test]
fn signing_in_shows_the_zoom_account_keeps_its_token_in_the_keychain_and_signing_out_forgets_it() {
    let zoom = zoom();
    let t = start_with(tempfile::tempdir().unwrap(), sign_in_config(&zoom));
    let local = t.ok("overview", json!({}));
    assert_eq!(t.ok("account", json!({}))["kind"], "local");

    let account = sign_in_with(&t, &zoom, follow).unwrap();
    assert_eq!(account["kind"], "zoom");
    assert_eq!(account["display_name"], "Zoe Zoom");
    assert_eq!(account["email"], "zoe@zoom.example.com");
    assert_eq!(account["keychain_problem"], Value::Null);
    assert_eq!(account["signing_in"], false);

    // The authorize URL: a public client with PKCE S256, a state, and a loopback redirect.
    let authorize = wait_for_authorize_url(&zoom);
    assert_eq!(param(&authorize, "response_type"), "code");
    assert_eq!(param(&authorize, "client_id"), CLIENT_ID);
    assert_eq!(param(&authorize, "code_challenge_method"), "S256");
    assert!(param(&authorize, "state").len() >= 16);
    assert!(param(&authorize, "redirect_uri").starts_with("http://127.0.0.1:"));

    // The window now shows the Zoom user's PMI and personal link, not the local ones.
    let o = t.ok("overview", json!({}));
    assert_ne!(o["room"]["pmi"], local["room"]["pmi"]);
    assert!(o["room"]["personal_link"]
        .as_str()
        .unwrap()
        .starts_with(zoom.sandbox.base_url()));
    assert_eq!(o["room"]["display_name"], "Zoe Zoom");

    // The tray acts on it.
    let handle = t.app.handle().clone();
    block(perform(&handle, TrayAction::CopyPersonalLink)).unwrap();
    assert_eq!(
        handle.state::<crate::Clipboard>().read().unwrap(),
        o["room"]["personal_link"].as_str().unwrap()
    );

    // The refresh token is in the keychain, and in no file under the data folder.
    let entry = keychain_entry(&t);
    let token = keychain(&entry).expect("the refresh token is in the keychain");
    assert!(token.len() > 20);
    assert_eq!(
        files_contain(t.dir.path(), &token),
        Vec::<std::path::PathBuf>::new()
    );

    // A restart: still signed in, with no browser; the token rotates and the new one is saved.
    let TestApp { dir, app, .. } = t;
    drop(app);
    let opened_before = opened_links().len();
    let t = start_with(dir, sign_in_config(&zoom));
    assert_eq!(t.ok("account", json!({}))["kind"], "zoom");
    assert_eq!(t.ok("overview", json!({}))["room"]["pmi"], o["room"]["pmi"]);
    assert!(
        !opened_links()[opened_before..]
            .iter()
            .any(|l| l.starts_with(zoom.sandbox.base_url()) && l.contains("/oauth/")),
        "no browser on restart"
    );
    let rotated = wait_for_keychain(&entry, |v| v.is_some_and(|v| v != token)).unwrap();
    assert_ne!(rotated, token, "the rotated refresh token was saved");
    assert!(refresh_is_refused(&zoom, &token), "the spent one is dead");
    assert!(files_contain(t.dir.path(), &rotated).is_empty());

    // Sign out: back on the local account, the keychain entry, the cache and the token gone.
    let account = t.ok("sign_out", json!({}));
    assert_eq!(account["kind"], "local");
    assert_eq!(
        t.ok("overview", json!({}))["room"]["pmi"],
        local["room"]["pmi"]
    );
    assert_eq!(keychain(&entry), None);
    let zoom_dirs: Vec<_> = std::fs::read_dir(t.dir.path().join("accounts"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("zoom-"))
        .collect();
    assert!(zoom_dirs.is_empty(), "the Zoom account's cache is deleted");
    assert!(refresh_is_refused(&zoom, &rotated), "the token was revoked");
}

#[test]
fn a_denied_sign_in_says_so_and_leaves_the_local_account() {
    let zoom = zoom();
    let t = start_with(tempfile::tempdir().unwrap(), sign_in_config(&zoom));
    let err = sign_in_with(
        &t,
        &zoom,
        answer(&[("error", "access_denied"), ("state", "$state")]),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "sign_in_denied");
    assert!(err["message"].as_str().unwrap().contains("Deny"));
    assert_eq!(t.ok("account", json!({}))["kind"], "local");
    assert!(!t.dir.path().join("account.json").exists());
}

#[test]
fn an_answer_with_another_state_is_refused_and_the_listener_closes() {
    let zoom = zoom();
    let t = start_with(tempfile::tempdir().unwrap(), sign_in_config(&zoom));
    let err = sign_in_with(
        &t,
        &zoom,
        answer(&[("code", "stolen-code"), ("state", "forged")]),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "sign_in_failed");
    assert!(err["message"].as_str().unwrap().contains("state"));
    let redirect = param(&wait_for_authorize_url(&zoom), "redirect_uri");
    let port = url::Url::parse(&redirect).unwrap().port().unwrap();
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the one-shot listener is closed"
    );
    assert_eq!(t.ok("account", json!({}))["kind"], "local");
}

#[test]
fn a_sign_in_nobody_answers_times_out_and_closes_its_listener() {
    let zoom = zoom();
    let mut config = sign_in_config(&zoom);
    config.patience.sign_in = Duration::from_secs(1);
    let t = start_with(tempfile::tempdir().unwrap(), config);
    let err = sign_in_with(&t, &zoom, |_| {}).unwrap_err();
    assert_eq!(err["kind"], "sign_in_timed_out");
    let redirect = param(&wait_for_authorize_url(&zoom), "redirect_uri");
    let port = url::Url::parse(&redirect).unwrap().port().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn the_client_id_comes_from_the_environment_then_settings_then_the_build() {
    let t = start();
    let err = t.invoke("sign_in", json!({"clientId": null})).unwrap_err();
    assert_eq!(err["kind"], "no_client_id");
    assert!(err["message"].as_str().unwrap().contains("Settings"));
    assert_eq!(t.ok("account", json!({}))["client_id_source"], "none");

    // Typed in Settings: kept, and used.
    let mut prefs = t.ok("preferences", json!({}));
    prefs["zoom_client_id"] = json!("  typed_Client-1 ");
    t.ok("set_preferences", json!({"preferences": prefs.clone()}));
    let account = t.ok("account", json!({}));
    assert_eq!(account["client_id"], "typed_Client-1");
    assert_eq!(account["client_id_source"], "settings");
    prefs["zoom_client_id"] = json!("not a client id!");
    let err = t
        .invoke("set_preferences", json!({"preferences": prefs}))
        .unwrap_err();
    assert_eq!(err["fields"][0]["field"], "zoom_client_id");

    // The environment wins over Settings.
    let zoom = zoom();
    let t = start_with(tempfile::tempdir().unwrap(), sign_in_config(&zoom));
    let mut prefs = t.ok("preferences", json!({}));
    prefs["zoom_client_id"] = json!("from_settings");
    t.ok("set_preferences", json!({"preferences": prefs}));
    let account = t.ok("account", json!({}));
    assert_eq!(account["client_id"], CLIENT_ID);
    assert_eq!(account["client_id_source"], "environment");
}

#[test]
fn a_refused_refresh_keeps_the_last_overview_and_asks_to_sign_in_again() {
    let zoom = zoom();
    let t = start_with(tempfile::tempdir().unwrap(), sign_in_config(&zoom));
    sign_in_with(&t, &zoom, follow).unwrap();
    let before = t.ok("overview", json!({}));
    let token = keychain(&keychain_entry(&t)).unwrap();

    // The account's tokens are revoked elsewhere (say, the app was removed in Zoom).
    block(async {
        let c = zoom.sandbox.config();
        http()
            .post(format!("{}/oauth/revoke", zoom.sandbox.base_url()))
            .basic_auth(&c.client_id, Some(&c.client_secret))
            .form(&[("token", token.as_str())])
            .send()
            .await
            .unwrap();
    });
    zoom.sandbox.expire_access_tokens();
    let after = t.ok("overview", json!({}));
    assert_eq!(after["stale"]["kind"], "sign_in_again");
    assert_eq!(after["room"]["pmi"], before["room"]["pmi"]);
    assert_eq!(after["room"]["offline"], true);
    assert_eq!(t.ok("account", json!({}))["kind"], "zoom");
    // The tray still answers from this account's cache: the Zoom link, never the local one.
    let handle = t.app.handle().clone();
    block(perform(&handle, TrayAction::CopyPersonalLink)).unwrap();
    let copied = handle.state::<crate::Clipboard>().read().unwrap();
    assert_eq!(copied, before["room"]["personal_link"].as_str().unwrap());
    assert!(copied.starts_with(zoom.sandbox.base_url()), "{copied}");
    assert_eq!(t.ok("sign_out", json!({}))["kind"], "local");
}

#[test]
fn the_regions_api_url_from_the_token_is_used() {
    let zoom = zoom();
    let mut config = sign_in_config(&zoom);
    // The configured API points nowhere; the token's api_url points at the service.
    config.endpoints.api_url = "http://127.0.0.1:9/v2".into();
    let t = start_with(tempfile::tempdir().unwrap(), config);
    sign_in_with(&t, &zoom, follow).unwrap();
    let o = t.ok("overview", json!({}));
    assert_eq!(o["room"]["display_name"], "Zoe Zoom");
    // The region is kept: after a restart the calls go there again.
    let record: Value =
        serde_json::from_slice(&std::fs::read(t.dir.path().join("account.json")).unwrap()).unwrap();
    assert_eq!(record["api_url"], format!("{}/v2", zoom.sandbox.base_url()));
    let TestApp { dir, app, .. } = t;
    drop(app);
    let mut config = sign_in_config(&zoom);
    config.endpoints.api_url = "http://127.0.0.1:9/v2".into();
    let t = start_with(dir, config);
    assert_eq!(
        t.ok("overview", json!({}))["room"]["display_name"],
        "Zoe Zoom"
    );
    t.ok("sign_out", json!({}));
}

#[test]
fn signing_in_again_as_the_same_user_leaves_no_old_sign_in_behind() {
    let zoom = zoom();
    let t = start_with(tempfile::tempdir().unwrap(), sign_in_config(&zoom));
    sign_in_with(&t, &zoom, follow).unwrap();
    let before = t.ok("overview", json!({}));
    let first_entry = keychain_entry(&t);
    let first_token = keychain(&first_entry).unwrap();
    sign_in_with(&t, &zoom, follow).unwrap();
    let second_entry = keychain_entry(&t);
    assert_ne!(first_entry, second_entry);
    assert_eq!(keychain(&first_entry), None, "the old entry is deleted");
    assert!(
        refresh_is_refused(&zoom, &first_token),
        "and its token revoked"
    );
    assert!(keychain(&second_entry).is_some());
    // The same account's cache is kept, and is still the one in use.
    assert_eq!(
        t.ok("overview", json!({}))["room"]["pmi"],
        before["room"]["pmi"]
    );
    t.ok("sign_out", json!({}));
    assert_eq!(keychain(&second_entry), None);
}

#[test]
fn cancel_ends_a_sign_in_that_waits_for_the_browser() {
    let zoom = zoom();
    let t = start_with(tempfile::tempdir().unwrap(), sign_in_config(&zoom));
    let handle = t.app.handle().clone();
    let base = zoom.sandbox.base_url().to_owned();
    let canceller = std::thread::spawn(move || {
        let prefix = format!("{base}/oauth/authorize");
        super::wait_for_opened(|l| l.starts_with(&prefix)).expect("the page was opened");
        let desk = handle.state::<crate::Desk>();
        assert!(desk.account().signing_in);
        desk.cancel_sign_in();
    });
    let err = t.invoke("sign_in", json!({"clientId": null})).unwrap_err();
    canceller.join().unwrap();
    assert_eq!(err["kind"], "sign_in_cancelled");
    let account = t.ok("account", json!({}));
    assert_eq!(account["kind"], "local");
    assert_eq!(account["signing_in"], false);
}

// Not on Windows: there the opener hands the program to the shell (ShellExecuteEx), which says
// a program is missing in a dialog of its own that waits for a click (under Wine, forever),
// instead of failing the call.
#[cfg(not(windows))]
#[test]
fn a_sign_in_whose_page_cannot_be_opened_says_so_and_waits_for_nothing() {
    let zoom = zoom();
    let dir = tempfile::tempdir().unwrap();
    let options = crate::Options {
        zoom: sign_in_config(&zoom),
        // A browser that is not there: the opener cannot start it.
        open_with: crate::Opener::Program(dir.path().join("no-browser").display().to_string()),
        ..super::options_for(&dir)
    };
    let t = super::launch(dir, options);
    let err = t.invoke("sign_in", json!({"clientId": null})).unwrap_err();
    assert_eq!(err["kind"], "open", "{err}");
    // Settings shows Sign in again, not a sign-in waiting for a page that never opened.
    let account = t.ok("account", json!({}));
    assert_eq!(account["kind"], "local");
    assert_eq!(account["signing_in"], false, "{account}");
}

#[test]
fn a_closed_keychain_entry_takes_no_more_writes() {
    block(async {
        let store = crate::keychain::Keychain::new(Duration::from_secs(10));
        let name = crate::account::new_keychain_entry();
        let entry = crate::keychain::TokenEntry::new(store, name.clone());
        entry
            .save(&zoom_api::SecretString::from("first".to_owned()))
            .await
            .unwrap();
        assert_eq!(keychain(&name).as_deref(), Some("first"));
        entry.close_and_delete().await.unwrap();
        // A rotation that lands after sign-out writes nothing.
        entry
            .save(&zoom_api::SecretString::from("late".to_owned()))
            .await
            .unwrap();
        assert_eq!(keychain(&name), None);
    });
}

#[test]
fn on_a_zoom_account_pmi_settings_and_join_work_and_a_lock_is_learnt_from_a_change() {
    let zoom = zoom();
    let t = start_with(tempfile::tempdir().unwrap(), sign_in_config(&zoom));
    sign_in_with(&t, &zoom, follow).unwrap();
    let room = t.ok("personal_room", json!({}));
    // A user may not read the account's lock settings: nothing is known held yet.
    assert_eq!(room["learnt"]["waiting_room"], false);
    let room = t.ok(
        "set_room_settings",
        json!({"change": {"mute_upon_entry": true, "audio": "telephony", "passcode": "Zoe-2468"}}),
    );
    assert_eq!(room["settings"]["mute_upon_entry"], true);
    assert_eq!(room["settings"]["audio"], "telephony");
    assert_eq!(room["passcode"], "Zoe-2468");

    super::lock_settings_at(
        zoom.sandbox.base_url(),
        json!({"meeting_security": {"waiting_room": true}}),
    );
    let before = room["settings"]["waiting_room"].as_bool().unwrap();
    let room = t.ok(
        "set_room_settings",
        json!({"change": {"waiting_room": !before}}),
    );
    assert_eq!(
        room["settings"]["waiting_room"], before,
        "the admin holds it"
    );
    assert_eq!(
        room["learnt"]["waiting_room"], true,
        "learnt from the change"
    );
    assert_eq!(room["locked"]["waiting_room"], false, "not read");
    assert_eq!(
        t.ok("overview", json!({}))["room"]["learnt"]["waiting_room"],
        true,
        "and remembered"
    );

    // Join: a link of this account's own service counts as Zoom's, as zoom.us links do.
    let link = room["join_link"].as_str().unwrap().to_owned();
    assert!(link.starts_with(zoom.sandbox.base_url()), "{link}");
    let view = t.ok("join", json!({ "text": format!("Join me: {link}") }));
    assert_eq!(view["meeting_id_formatted"], room["pmi_formatted"]);
    assert!(super::wait_for_opened(|l| l == link).is_some());
}
