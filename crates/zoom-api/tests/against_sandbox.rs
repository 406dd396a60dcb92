//! The client against the real sandbox over loopback HTTP: every endpoint, every error mapping,
//! token refresh, each fault, and pagination across many pages. No HTTP mocks.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{Duration as Span, TimeZone, Utc};
use pmi_core::{MeetingKind, MeetingStatus, Pmi};
use zoom_api::{
    AuthorizationRequest, ClientConfig, Credentials, Error, ExposeSecret, ListKind, LockSettings,
    MeetingUpdate, NewMeeting, RetryPolicy, SecretString, SettingsUpdate, UserUpdate, ZoomClient,
};
use zoom_sandbox::{Config, Consent, Fault, FaultKind, RetryAfter, Sandbox};

/// A Zoom app with "Public Client OAuth": a client ID and no secret.
const PUBLIC_CLIENT: &str = "pmi-desk-public";

struct Env {
    sandbox: Sandbox,
    _dir: tempfile::TempDir,
}

async fn start(tune: impl FnOnce(&mut Config)) -> Env {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::new(dir.path());
    config.enable_faults = true;
    // As the standalone service plays Zoom: a public client, sign-in approved at once.
    config.public_client_id = Some(PUBLIC_CLIENT.into());
    config.authorize = Some(Consent::AutoApprove);
    tune(&mut config);
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    Env { sandbox, _dir: dir }
}

/// A client builder for calls made by hand, with the TLS provider reqwest needs.
fn http_builder() -> reqwest::ClientBuilder {
    zoom_api::install_tls_provider();
    reqwest::Client::builder()
}

fn http() -> reqwest::Client {
    http_builder().build().unwrap()
}

fn fast_config(base: &str) -> ClientConfig {
    let mut config = ClientConfig::local(base).expect("config");
    config.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(3),
    };
    config.request_timeout = Duration::from_secs(5);
    config
}

/// An admin client (account credentials), as the tests' default.
fn admin(env: &Env) -> ZoomClient {
    admin_with(env, fast_config(env.sandbox.base_url()))
}

fn admin_with(env: &Env, config: ClientConfig) -> ZoomClient {
    let http = config.http_client().expect("http");
    let c = env.sandbox.config();
    ZoomClient::new(
        http,
        config,
        Credentials::AccountCredentials {
            account_id: c.account_id.clone(),
            client_id: c.client_id.clone(),
            client_secret: SecretString::from(c.client_secret.clone()),
        },
    )
}

/// Signs in as the user through the browser flow: authorize (PKCE + state), follow the
/// loopback redirect by hand, exchange the code.
async fn user(env: &Env, refreshes: Arc<AtomicUsize>) -> ZoomClient {
    let config = fast_config(env.sandbox.base_url());
    let redirect = "http://127.0.0.1:53682/callback";
    let request = AuthorizationRequest::new(&config.oauth_base, PUBLIC_CLIENT, redirect, &[])
        .expect("authorize url");
    let (code, state) = follow_authorize(&request).await;
    let http = config.http_client().expect("http");
    ZoomClient::sign_in_with_code(http, config, &request, &code, &state)
        .await
        .expect("code exchange")
        .on_refresh_token(move |_| {
            refreshes.fetch_add(1, Ordering::SeqCst);
            std::future::ready(())
        })
}

async fn follow_authorize(request: &AuthorizationRequest) -> (String, String) {
    let no_redirects = http_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = no_redirects
        .get(request.url().clone())
        .send()
        .await
        .expect("authorize");
    assert_eq!(response.status(), 303, "authorize redirects to the app");
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:53682/"),
        "{location}"
    );
    let url = url::Url::parse(&location).expect("location url");
    let get = |k: &str| {
        url.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .expect(k)
    };
    (get("code"), get("state"))
}

async fn post_fault(env: &Env, fault: serde_json::Value) {
    let response = http()
        .post(format!("{}/_sandbox/faults", env.sandbox.base_url()))
        .json(&fault)
        .send()
        .await
        .expect("fault route");
    assert_eq!(response.status(), 204);
}

async fn revoke(env: &Env, token: &str) {
    let c = env.sandbox.config();
    let response = http()
        .post(format!("{}/oauth/revoke", env.sandbox.base_url()))
        .query(&[("token", token)])
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .send()
        .await
        .expect("revoke");
    assert_eq!(response.status(), 200);
}

fn tomorrow_at(hour: u32) -> chrono::DateTime<Utc> {
    let day = (Utc::now() + Span::days(1)).date_naive();
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).expect("time"))
}

#[tokio::test]
async fn profile_settings_and_user_update() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let me = zoom.me().await.unwrap();
    let pmi = me.pmi.expect("the local user has a PMI");
    assert!(
        Pmi::choose(&pmi.to_string()).is_ok(),
        "the sandbox chose a valid PMI"
    );
    // As Zoom: `personal_meeting_url` is the PMI's join link, `vanity_url` the personal link.
    assert_eq!(
        me.vanity_url.as_deref(),
        Some(&*format!("{}/my/local.user", env.sandbox.base_url()))
    );
    let join = me.personal_meeting_url.as_deref().unwrap_or_default();
    assert!(
        join.starts_with(&format!("{}/j/{}", env.sandbox.base_url(), pmi.get())),
        "{join}"
    );
    assert_eq!(me.personal_link(), me.vanity_url.as_deref());

    let settings = zoom.settings().await.unwrap();
    assert!(settings.personal_meeting);
    assert!(!settings.use_pmi_for_instant_meetings);
    zoom.update_settings(&SettingsUpdate {
        use_pmi_for_instant_meetings: Some(true),
        waiting_room: Some(true),
        ..Default::default()
    })
    .await
    .unwrap();
    let settings = zoom.settings().await.unwrap();
    assert!(settings.use_pmi_for_instant_meetings && settings.waiting_room);

    let new_pmi = Pmi::choose("354 247 1135").unwrap();
    zoom.update_me(&UserUpdate {
        pmi: Some(new_pmi),
        time_zone: Some("Europe/Berlin".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let me = zoom.me().await.unwrap();
    assert_eq!(me.pmi, Some(new_pmi));
    assert_eq!(me.time_zone, "Europe/Berlin");
    let room = zoom.meeting(new_pmi.meeting_id()).await.unwrap();
    assert_eq!(
        room.kind,
        MeetingKind::PersonalRoom,
        "the personal room moved with the PMI"
    );
    assert!(!zoom
        .vanity_name_exists(&pmi_core::VanityName::new("someone.else").unwrap())
        .await
        .unwrap());
    assert!(zoom
        .vanity_name_exists(&pmi_core::VanityName::new("local.user").unwrap())
        .await
        .unwrap());
}

#[tokio::test]
async fn a_pmi_that_breaks_the_rules_is_a_field_error() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    // Pmi's own type refuses it, so send a raw body through the API as another client would.
    let token = http()
        .post(format!("{}/oauth/token", env.sandbox.base_url()))
        .basic_auth("pmi-desk-local", Some("pmi-desk-local-secret"))
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", "local-account"),
        ])
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = http()
        .patch(format!("{}/v2/users/me", env.sandbox.base_url()))
        .bearer_auth(token)
        .json(&serde_json::json!({"pmi": 8002471135u64}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], 300);
    assert_eq!(body["errors"][0]["field"], "pmi");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("cannot start with 800"));
    assert!(zoom.me().await.unwrap().pmi.is_some());
}

#[tokio::test]
async fn instant_meetings_follow_the_pmi_setting() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let pmi = zoom.me().await.unwrap().pmi.unwrap();
    let fresh = zoom
        .create_meeting(&NewMeeting::instant("Quick chat"))
        .await
        .unwrap();
    assert_eq!(fresh.kind, MeetingKind::Instant);
    assert_ne!(
        fresh.id,
        pmi.meeting_id(),
        "off the PMI, an instant meeting gets its own ID"
    );
    assert!(fresh.start_url.is_some());

    zoom.update_settings(&SettingsUpdate {
        use_pmi_for_instant_meetings: Some(true),
        ..Default::default()
    })
    .await
    .unwrap();
    let on_pmi = zoom
        .create_meeting(&NewMeeting::instant("Quick chat"))
        .await
        .unwrap();
    assert_eq!(on_pmi.id, pmi.meeting_id());
    assert_eq!(on_pmi.join_number(), pmi.meeting_id());

    let listed = zoom.list_all_meetings(ListKind::Scheduled).await.unwrap();
    assert!(
        listed.is_empty(),
        "instant meetings are never listed: {listed:?}"
    );
}

#[tokio::test]
async fn scheduled_meetings_on_and_off_the_pmi() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let pmi = zoom.me().await.unwrap().pmi.unwrap();
    let mut on = NewMeeting::scheduled("Weekly 1:1", tomorrow_at(10), 30);
    on.use_pmi = true;
    on.time_zone = Some("America/New_York".into());
    let on = zoom.create_meeting(&on).await.unwrap();
    assert!(on.on_pmi);
    assert_eq!(
        on.join_link.meeting_id(),
        pmi.meeting_id(),
        "joins through the PMI"
    );
    assert_eq!(
        on.join_link.omn(),
        Some(&*on.id.to_string()),
        "omn is the meeting's own number"
    );
    assert_ne!(on.id, pmi.meeting_id());

    let off = zoom
        .create_meeting(&NewMeeting::scheduled("Board", tomorrow_at(12), 60))
        .await
        .unwrap();
    assert!(!off.on_pmi);
    assert_eq!(off.join_link.meeting_id(), off.id);
    assert_eq!(off.join_link.omn(), None);

    // With use_pmi_for_scheduled_meetings on, the client still sends use_pmi=false explicitly.
    zoom.update_settings(&SettingsUpdate {
        use_pmi_for_scheduled_meetings: Some(true),
        ..Default::default()
    })
    .await
    .unwrap();
    let explicit_off = zoom
        .create_meeting(&NewMeeting::scheduled("Own ID", tomorrow_at(14), 30))
        .await
        .unwrap();
    assert!(!explicit_off.on_pmi);

    let listed = zoom.list_all_meetings(ListKind::Scheduled).await.unwrap();
    assert_eq!(listed.len(), 3);
    let listed_on = listed.iter().find(|m| m.id == on.id).unwrap();
    assert!(listed_on.on_pmi && listed_on.join_link.omn().is_some());
    let upcoming = zoom.list_all_meetings(ListKind::Upcoming).await.unwrap();
    assert_eq!(upcoming.len(), 3);
}

#[tokio::test]
async fn get_update_delete_recover_and_their_errors() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let pmi = zoom.me().await.unwrap().pmi.unwrap();
    let m = zoom
        .create_meeting(&NewMeeting::scheduled("Review", tomorrow_at(9), 45))
        .await
        .unwrap();
    zoom.update_meeting(
        m.id,
        &MeetingUpdate {
            topic: Some("Design review".into()),
            duration_minutes: Some(90),
            waiting_room: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let read = zoom.meeting(m.id).await.unwrap();
    assert_eq!(
        (
            read.topic.as_str(),
            read.duration_minutes,
            read.waiting_room
        ),
        ("Design review", Some(90), true)
    );

    let err = zoom
        .update_meeting(
            m.id,
            &MeetingUpdate {
                duration_minutes: Some(2000),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidField { field: Some(f), .. } if f == "duration"),
        "{err:?}"
    );
    assert!(err.to_string().contains("duration"), "{err}");

    zoom.end_meeting(m.id).await.unwrap();
    zoom.delete_meeting(m.id).await.unwrap();
    assert!(matches!(zoom.meeting(m.id).await, Err(Error::NotFound(_))));
    assert!(matches!(
        zoom.delete_meeting(m.id).await,
        Err(Error::NotFound(_))
    ));
    zoom.recover_meeting(m.id).await.unwrap();
    assert_eq!(zoom.meeting(m.id).await.unwrap().topic, "Design review");

    assert!(matches!(
        zoom.delete_meeting(pmi.meeting_id()).await,
        Err(Error::PmiNotDeletable)
    ));
    let room = zoom.meeting(pmi.meeting_id()).await.unwrap();
    assert_eq!(room.kind, MeetingKind::PersonalRoom);
    assert_eq!(room.status, MeetingStatus::Waiting);
}

#[tokio::test]
async fn bad_fields_are_named() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let mut m = NewMeeting::scheduled("x".repeat(201), tomorrow_at(9), 30);
    let err = zoom.create_meeting(&m).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidField { field: Some(f), .. } if f == "topic"),
        "{err:?}"
    );
    m.topic = "ok".into();
    m.time_zone = Some("Mars/Olympus".into());
    let err = zoom.create_meeting(&m).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidField { field: Some(f), .. } if f == "timezone"),
        "{err:?}"
    );
    m.time_zone = None;
    m.passcode = Some("far too long pass".into());
    let err = zoom.create_meeting(&m).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidField { field: Some(f), .. } if f == "password"),
        "{err:?}"
    );
    assert!(
        zoom.list_all_meetings(ListKind::Scheduled)
            .await
            .unwrap()
            .is_empty(),
        "nothing was created"
    );
}

#[tokio::test]
async fn invitation_reads_like_zooms() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let pmi = zoom.me().await.unwrap().pmi.unwrap();
    let mut m = NewMeeting::scheduled("Weekly 1:1", tomorrow_at(10), 30);
    m.use_pmi = true;
    let m = zoom.create_meeting(&m).await.unwrap();
    let text = zoom.invitation(m.id).await.unwrap();
    assert!(!text.contains('\r'));
    assert!(
        text.starts_with("Local User is inviting you to a scheduled Zoom meeting.\n"),
        "{text}"
    );
    assert!(text.contains("Topic: Weekly 1:1\n"));
    assert!(text.contains(&format!("{}\n", m.join_link)), "{text}");
    assert!(
        text.contains(&format!("Meeting ID: {}\n", pmi.formatted())),
        "{text}"
    );
    assert!(
        text.contains(&format!("Passcode: {}\n", m.passcode.clone().unwrap())),
        "{text}"
    );
    let room = zoom.invitation(pmi.meeting_id()).await.unwrap();
    assert!(
        room.contains("Topic: Local User's Personal Meeting Room"),
        "{room}"
    );
}

#[tokio::test]
async fn pagination_walks_many_pages_in_order_without_repeats() {
    let env = start(|c| c.daily_meeting_limit = 1000).await;
    let zoom = admin(&env);
    for i in 0..47u32 {
        let start = tomorrow_at(0) + Span::minutes(i64::from(i) * 15);
        zoom.create_meeting(&NewMeeting::scheduled(format!("M{i:02}"), start, 15))
            .await
            .unwrap();
    }
    let mut token = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = zoom
            .list_meetings(ListKind::Scheduled, 10, token.as_deref())
            .await
            .unwrap();
        assert_eq!(page.total_records, Some(47));
        pages += 1;
        seen.extend(page.meetings.into_iter().map(|m| m.topic));
        match page.next_page_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    let expected: Vec<String> = (0..47).map(|i| format!("M{i:02}")).collect();
    assert_eq!(seen, expected);
    assert_eq!(
        zoom.list_all_meetings(ListKind::Scheduled)
            .await
            .unwrap()
            .len(),
        47
    );
}

#[tokio::test]
async fn the_daily_cap_is_a_rate_limit_error_with_the_time_it_lifts() {
    let env = start(|c| c.daily_meeting_limit = 2).await;
    let zoom = admin(&env);
    for i in 0..2 {
        zoom.create_meeting(&NewMeeting::scheduled(format!("m{i}"), tomorrow_at(9), 30))
            .await
            .unwrap();
    }
    let err = zoom
        .create_meeting(&NewMeeting::scheduled("one too many", tomorrow_at(9), 30))
        .await
        .unwrap_err();
    match err {
        Error::RateLimited {
            daily, retry_at, ..
        } => {
            assert!(daily);
            let midnight = Utc.from_utc_datetime(
                &(Utc::now() + Span::days(1))
                    .date_naive()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
            );
            assert_eq!(retry_at, Some(midnight));
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }
    assert_eq!(
        zoom.list_all_meetings(ListKind::Scheduled)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn short_rate_limits_are_waited_out_in_every_retry_after_form() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    zoom.me().await.unwrap();
    for style in [RetryAfter::Seconds, RetryAfter::Timestamp, RetryAfter::None] {
        env.sandbox.add_fault(Fault {
            route: "GET /v2/users/me".into(),
            kind: FaultKind::RateLimit,
            count: 1,
            status: None,
            latency_ms: None,
            retry_after: Some(style),
            // Two seconds: the timestamp form has one-second resolution, so a one-second limit
            // could lift at once.
            retry_after_secs: Some(2),
        });
        let started = std::time::Instant::now();
        zoom.me().await.unwrap_or_else(|e| panic!("{style:?}: {e}"));
        if style != RetryAfter::None {
            assert!(
                started.elapsed() >= Duration::from_millis(900),
                "{style:?} waited {:?}",
                started.elapsed()
            );
        }
    }
    // A wait longer than the client will sit through goes to the user with its time.
    env.sandbox.add_fault(Fault {
        route: "GET /v2/users/me".into(),
        kind: FaultKind::RateLimit,
        count: 1,
        status: None,
        latency_ms: None,
        retry_after: Some(RetryAfter::Seconds),
        retry_after_secs: Some(3600),
    });
    assert!(matches!(
        zoom.me().await,
        Err(Error::RateLimited {
            daily: false,
            retry_at: Some(_),
            ..
        })
    ));
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_and_give_up_when_bounded() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    post_fault(&env, serde_json::json!({"route": "GET /v2/users/me/settings", "kind": "status", "status": 500, "count": 2})).await;
    zoom.settings().await.unwrap();
    post_fault(&env, serde_json::json!({"route": "GET /v2/users/me/settings", "kind": "status", "status": 502, "count": 10})).await;
    assert!(matches!(zoom.settings().await, Err(Error::Unreachable(_))));
    post_fault(
        &env,
        serde_json::json!({"route": "GET /v2/users/me", "kind": "truncate", "count": 1}),
    )
    .await;
    zoom.me().await.expect("a cut-off read is read again");
    post_fault(
        &env,
        serde_json::json!({"route": "GET /v2/users/me", "kind": "drop", "count": 1}),
    )
    .await;
    zoom.me().await.expect("a dropped read is read again");
}

async fn assert_creates_exactly_once(
    env: &Env,
    zoom: &ZoomClient,
    fault: serde_json::Value,
    topic: &str,
) {
    post_fault(env, fault.clone()).await;
    let mut m = NewMeeting::scheduled(topic, tomorrow_at(11), 30);
    m.use_pmi = true;
    let created = zoom
        .create_meeting(&m)
        .await
        .unwrap_or_else(|e| panic!("{fault}: {e}"));
    let listed: Vec<_> = zoom
        .list_all_meetings(ListKind::Scheduled)
        .await
        .unwrap()
        .into_iter()
        .filter(|x| x.topic == topic)
        .collect();
    assert_eq!(listed.len(), 1, "{fault}: {listed:?}");
    assert_eq!(listed[0].id, created.id);
    assert!(created.on_pmi && created.join_link.omn().is_some());
}

#[tokio::test]
async fn a_monthly_meeting_on_a_weekday_of_the_month_reads_back_as_written_and_an_edit_keeps_it() {
    use pmi_core::{MonthlyWeekday, Recurrence, RecurrenceEnd, RecurrenceUnit};
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let mut new = NewMeeting::scheduled("Board", tomorrow_at(10), 60);
    new.kind = MeetingKind::RecurringFixedTime;
    let last_friday = Recurrence {
        every: RecurrenceUnit::Month,
        interval: 1,
        weekly_days: vec![],
        monthly_day: None,
        monthly_weekday: Some(MonthlyWeekday { week: -1, day: 6 }),
        end: RecurrenceEnd::After(6),
    };
    new.recurrence = Some(last_friday.clone());
    let m = zoom.create_meeting(&new).await.unwrap();
    let read = zoom.meeting(m.id).await.unwrap();
    assert_eq!(read.recurrence.as_ref(), Some(&last_friday));
    zoom.update_meeting(
        m.id,
        &MeetingUpdate {
            topic: Some("Board review".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let read = zoom.meeting(m.id).await.unwrap();
    assert_eq!(
        (read.topic.as_str(), read.recurrence),
        ("Board review", Some(last_friday))
    );
}

#[tokio::test]
async fn a_delete_whose_answer_is_lost_is_done_once_and_reported_done() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    for (kind, status) in [("drop_after", None), ("status", Some(502))] {
        let m = zoom
            .create_meeting(&NewMeeting::scheduled("Review", tomorrow_at(9), 45))
            .await
            .unwrap();
        let route = format!("DELETE /v2/meetings/{}", m.id);
        let fault = match status {
            // The service deleted it and the connection dropped before the answer.
            None => serde_json::json!({"route": route, "kind": kind}),
            // A 502 that did nothing: the retry deletes it.
            Some(s) => serde_json::json!({"route": route, "kind": kind, "status": s}),
        };
        post_fault(&env, fault).await;
        zoom.delete_meeting(m.id)
            .await
            .unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        assert!(
            matches!(zoom.meeting(m.id).await, Err(Error::NotFound(_))),
            "{kind}: deleted"
        );
    }
    // A meeting that was never there is still "not found", retry or not.
    let m = zoom
        .create_meeting(&NewMeeting::scheduled("Gone", tomorrow_at(9), 45))
        .await
        .unwrap();
    zoom.delete_meeting(m.id).await.unwrap();
    assert!(matches!(
        zoom.delete_meeting(m.id).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test]
async fn meeting_creation_never_happens_twice() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let route = "POST /v2/users/me/meetings";
    let cases = [
        // The meeting was made, then the connection dropped: found, not made again.
        (serde_json::json!({"kind": "drop_after"}), "dropped after"),
        // The meeting was made, the answer was cut: found, not made again.
        (serde_json::json!({"kind": "truncate"}), "truncated"),
        // Declined (429): nothing was made, so it is simply tried again.
        (
            serde_json::json!({"kind": "rate_limit", "retry_after": "seconds", "retry_after_secs": 1}),
            "limited",
        ),
    ];
    for (mut fault, topic) in cases {
        fault["route"] = route.into();
        assert_creates_exactly_once(&env, &zoom, fault, topic).await;
    }
}

#[tokio::test]
async fn an_ambiguous_create_that_is_not_found_is_reported_and_never_sent_again() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let route = "POST /v2/users/me/meetings";
    // The connection dropped, or a 500 came back: the service may have made it. Here it did
    // not, so the look-up finds nothing; sending it again could make a second meeting had it.
    for (fault, topic) in [
        (
            serde_json::json!({"route": route, "kind": "drop"}),
            "dropped",
        ),
        (
            serde_json::json!({"route": route, "kind": "status", "status": 500}),
            "server error",
        ),
        // A 503 most likely did nothing, but is no proof of it.
        (
            serde_json::json!({"route": route, "kind": "status", "status": 503}),
            "unavailable",
        ),
    ] {
        post_fault(&env, fault).await;
        let err = zoom
            .create_meeting(&NewMeeting::scheduled(topic, tomorrow_at(13), 30))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unconfirmed(_)), "{topic}: {err:?}");
        let listed = zoom.list_all_meetings(ListKind::Scheduled).await.unwrap();
        assert!(
            listed.iter().all(|m| m.topic != topic),
            "{topic}: sent again: {listed:?}"
        );
    }
}

#[tokio::test]
async fn a_create_that_times_out_is_not_repeated_blindly() {
    let env = start(|_| {}).await;
    let mut config = fast_config(env.sandbox.base_url());
    config.request_timeout = Duration::from_millis(400);
    let zoom = admin_with(&env, config);
    zoom.me().await.unwrap();
    post_fault(
        &env,
        serde_json::json!({"route": "POST /v2/users/me/meetings", "kind": "latency", "latency_ms": 800}),
    )
    .await;
    // The answer comes after the client gave up: it looks for the meeting, and either finds
    // it or says it cannot confirm it; it never sends the create again.
    let outcome = zoom
        .create_meeting(&NewMeeting::scheduled("slow", tomorrow_at(11), 30))
        .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let listed: Vec<_> = zoom
        .list_all_meetings(ListKind::Scheduled)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.topic == "slow")
        .collect();
    // (The local service drops a request whose client went away, so it may have made none.)
    match outcome {
        Ok(found) => assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), [found.id]),
        Err(err) => {
            assert!(matches!(err, Error::Unconfirmed(_)), "{err:?}");
            assert!(listed.len() <= 1, "{listed:?}");
        }
    }
}

#[tokio::test]
async fn an_instant_create_with_an_unknown_outcome_is_reported_not_repeated() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    post_fault(
        &env,
        serde_json::json!({"route": "POST /v2/users/me/meetings", "kind": "drop_after"}),
    )
    .await;
    let err = zoom
        .create_meeting(&NewMeeting::instant("Quick"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unconfirmed(_)), "{err:?}");
    assert!(err.to_string().contains("Check your meetings"));
}

#[tokio::test]
async fn user_sign_in_refreshes_once_rotates_and_then_asks_to_sign_in_again() {
    let env = start(|_| {}).await;
    let refreshes = Arc::new(AtomicUsize::new(0));
    let zoom = Arc::new(user(&env, refreshes.clone()).await);
    let me = zoom.me().await.unwrap();
    assert!(me.pmi.is_some());
    let first_refresh = zoom.refresh_token().await.unwrap();

    // The access token lapses server-side: eight callers at once get one refresh between them.
    env.sandbox.expire_access_tokens();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let zoom = zoom.clone();
            tokio::spawn(async move { zoom.me().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(refreshes.load(Ordering::SeqCst), 1, "single-flight refresh");
    let second_refresh = zoom.refresh_token().await.unwrap();
    assert_ne!(
        first_refresh.expose_secret(),
        second_refresh.expose_secret(),
        "refresh tokens rotate"
    );

    // The old refresh token was spent by the rotation.
    let config = fast_config(env.sandbox.base_url());
    let stale = ZoomClient::new(
        config.http_client().unwrap(),
        config,
        Credentials::RefreshToken {
            client_id: PUBLIC_CLIENT.into(),
            client_secret: None,
            refresh_token: first_refresh,
        },
    );
    assert!(matches!(stale.me().await, Err(Error::SignInAgain(_))));

    // Both tokens revoked (the refresh token through the OAuth revoke endpoint): the refresh
    // fails and the user is asked to sign in again.
    env.sandbox.expire_access_tokens();
    revoke(&env, second_refresh.expose_secret()).await;
    assert!(matches!(zoom.me().await, Err(Error::SignInAgain(_))));
}

#[tokio::test]
async fn pkce_state_and_code_are_checked() {
    let env = start(|_| {}).await;
    let config = fast_config(env.sandbox.base_url());
    let request = AuthorizationRequest::new(
        &config.oauth_base,
        PUBLIC_CLIENT,
        "http://127.0.0.1:53682/cb",
        &[],
    )
    .unwrap();
    let (code, state) = follow_authorize(&request).await;
    let http = config.http_client().unwrap();
    let forged =
        ZoomClient::sign_in_with_code(http.clone(), config.clone(), &request, &code, "forged")
            .await;
    assert!(matches!(forged, Err(Error::StateMismatch)));
    // Another attempt's verifier does not fit this code.
    let other = AuthorizationRequest::new(
        &config.oauth_base,
        PUBLIC_CLIENT,
        "http://127.0.0.1:53682/cb",
        &[],
    )
    .unwrap();
    let other_state = other
        .url()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let wrong =
        ZoomClient::sign_in_with_code(http.clone(), config.clone(), &other, &code, &other_state)
            .await;
    assert!(matches!(wrong, Err(Error::SignInAgain(_))), "{wrong:?}");
    // A code works once, and was spent by the failed attempt above.
    let reused = ZoomClient::sign_in_with_code(http, config, &request, &code, &state).await;
    assert!(matches!(reused, Err(Error::SignInAgain(_))));
}

#[tokio::test]
async fn sign_out_revokes_both_tokens() {
    let env = start(|_| {}).await;
    let zoom = user(&env, Arc::new(AtomicUsize::new(0))).await;
    zoom.me().await.unwrap();
    let refresh = zoom.refresh_token().await.unwrap();
    zoom.revoke().await.expect("revoked as a public client");
    // The refresh token is dead: a client holding it is asked to sign in again.
    let config = fast_config(env.sandbox.base_url());
    let holder = ZoomClient::new(
        config.http_client().unwrap(),
        config,
        Credentials::RefreshToken {
            client_id: PUBLIC_CLIENT.into(),
            client_secret: None,
            refresh_token: refresh,
        },
    );
    assert!(matches!(holder.me().await, Err(Error::SignInAgain(_))));
    assert!(matches!(zoom.me().await, Err(Error::SignInAgain(_))));
}

#[tokio::test]
async fn an_outage_at_the_token_endpoint_is_not_a_refused_sign_in() {
    let env = start(|_| {}).await;
    for (kind, status) in [
        (FaultKind::Status, Some(503)),
        (FaultKind::Status, Some(500)),
    ] {
        env.sandbox.add_fault(Fault {
            route: "POST /oauth/token".into(),
            kind,
            count: 10,
            status,
            latency_ms: None,
            retry_after: None,
            retry_after_secs: None,
        });
        let err = admin(&env).me().await.unwrap_err();
        assert!(matches!(err, Error::Unreachable(_)), "{status:?}: {err:?}");
        env.sandbox.clear_faults();
    }
    env.sandbox.add_fault(Fault {
        route: "POST /oauth/token".into(),
        kind: FaultKind::RateLimit,
        count: 10,
        status: None,
        latency_ms: None,
        retry_after: Some(RetryAfter::Seconds),
        retry_after_secs: Some(30),
    });
    let err = admin(&env).me().await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
}

#[tokio::test]
async fn the_region_api_url_from_the_token_is_honoured() {
    let env = start(|_| {}).await;
    // The configured API base points nowhere; the token's api_url points at the sandbox.
    let config = {
        let mut c = fast_config(env.sandbox.base_url());
        c.api_base = url::Url::parse("http://127.0.0.1:9/v2/").unwrap();
        c
    };
    let zoom = admin_with(&env, config);
    zoom.me().await.expect("calls go to the region api_url");
    assert_eq!(
        zoom.api_base().as_str(),
        format!("{}/v2/", env.sandbox.base_url())
    );
}

#[tokio::test]
async fn locks_hold_a_setting_and_only_admins_read_them() {
    let env = start(|_| {}).await;
    let zoom_admin = admin(&env);
    let user_client = user(&env, Arc::new(AtomicUsize::new(0))).await;
    assert!(matches!(
        user_client.lock_settings("me").await,
        Err(Error::MissingScopes(_))
    ));

    let locks = LockSettings {
        schedule_meeting: Some(zoom_api::json::LockScheduleMeeting {
            use_pmi_for_instant_meetings: Some(true),
            ..Default::default()
        }),
        meeting_security: Some(zoom_api::json::LockMeetingSecurity {
            pmi_password: Some(true),
            ..Default::default()
        }),
    };
    zoom_admin.update_lock_settings("me", &locks).await.unwrap();
    let read = zoom_admin.lock_settings("me").await.unwrap();
    assert_eq!(
        read.schedule_meeting.unwrap().use_pmi_for_instant_meetings,
        Some(true)
    );
    assert_eq!(read.meeting_security.unwrap().pmi_password, Some(true));

    user_client
        .update_settings(&SettingsUpdate {
            use_pmi_for_instant_meetings: Some(true),
            waiting_room: Some(true),
            ..Default::default()
        })
        .await
        .expect("Zoom answers 204 even for a locked setting");
    let settings = user_client.settings().await.unwrap();
    assert!(
        !settings.use_pmi_for_instant_meetings,
        "a locked setting keeps its value"
    );
    assert!(settings.waiting_room, "an unlocked one changes");
}

#[tokio::test]
async fn the_personal_rooms_settings_are_written_read_back_and_held_by_locks() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    let pmi = zoom.me().await.unwrap().pmi.unwrap().meeting_id();
    zoom.update_meeting(
        pmi,
        &MeetingUpdate {
            join_before_host: Some(true),
            jbh_minutes: Some(10),
            mute_upon_entry: Some(true),
            audio: Some(pmi_core::AudioType::Telephony),
            authenticated_only: Some(true),
            ..MeetingUpdate::default()
        },
    )
    .await
    .unwrap();
    let room = zoom.meeting(pmi).await.unwrap();
    assert_eq!(
        room.options,
        pmi_core::MeetingOptions {
            join_before_host: true,
            jbh_minutes: 10,
            mute_upon_entry: true,
            audio: pmi_core::AudioType::Telephony,
            authenticated_only: true,
        }
    );

    zoom.update_lock_settings(
        "me",
        &LockSettings {
            schedule_meeting: Some(zoom_api::json::LockScheduleMeeting {
                audio_type: Some(true),
                join_before_host: Some(true),
                ..Default::default()
            }),
            meeting_security: None,
        },
    )
    .await
    .unwrap();
    let locks = zoom
        .lock_settings("me")
        .await
        .unwrap()
        .schedule_meeting
        .unwrap();
    assert_eq!(
        (locks.audio_type, locks.join_before_host, locks.host_video),
        (Some(true), Some(true), Some(false))
    );
    zoom.update_meeting(
        pmi,
        &MeetingUpdate {
            join_before_host: Some(false),
            jbh_minutes: Some(5),
            audio: Some(pmi_core::AudioType::Voip),
            mute_upon_entry: Some(false),
            ..MeetingUpdate::default()
        },
    )
    .await
    .expect("Zoom answers 204 even for a locked setting");
    let room = zoom.meeting(pmi).await.unwrap();
    assert_eq!(
        (
            room.options.join_before_host,
            room.options.jbh_minutes,
            room.options.audio
        ),
        (true, 10, pmi_core::AudioType::Telephony),
        "locked settings keep their values"
    );
    assert!(!room.options.mute_upon_entry, "an unlocked one changes");
}

#[tokio::test]
async fn an_unreachable_service_is_reported_after_bounded_retries() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    zoom.me().await.unwrap();
    let Env { sandbox, _dir } = env;
    sandbox.stop().await;
    let started = std::time::Instant::now();
    assert!(matches!(zoom.me().await, Err(Error::Unreachable(_))));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "bounded: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn other_refusals_keep_zooms_code_and_a_bad_client_secret_is_an_oauth_error() {
    let env = start(|_| {}).await;
    let zoom = admin(&env);
    match zoom.lock_settings("someone-elses-account").await {
        Err(Error::Api {
            status: 400,
            code: 200,
            message,
        }) => assert_eq!(message, "No permission."),
        other => panic!("expected Zoom's code 200, got {other:?}"),
    }
    let config = fast_config(env.sandbox.base_url());
    let wrong = ZoomClient::new(
        config.http_client().unwrap(),
        config,
        Credentials::AccountCredentials {
            account_id: "local-account".into(),
            client_id: "pmi-desk-local".into(),
            client_secret: SecretString::from("not-the-secret".to_owned()),
        },
    );
    let err = wrong.me().await.unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { error, .. } if error == "invalid_client"),
        "{err:?}"
    );
    for text in [err.to_string(), format!("{err:?}"), format!("{wrong:?}")] {
        assert!(!text.contains("not-the-secret"), "a secret leaked: {text}");
    }
}

#[test]
fn request_bodies_validate_against_the_official_spec() {
    use pmi_core::{Recurrence, RecurrenceEnd, RecurrenceUnit};
    let validate = |method: &str, path: &str, body: serde_json::Value| {
        zoom_spec::validate_request(method, path, &body)
            .unwrap_or_else(|e| panic!("{e}\n{body:#}"));
    };
    let mut scheduled = NewMeeting::scheduled("Weekly", tomorrow_at(9), 30);
    scheduled.use_pmi = true;
    scheduled.time_zone = Some("Europe/Berlin".into());
    scheduled.passcode = Some("abc123".into());
    scheduled.agenda = Some("Notes".into());
    scheduled.waiting_room = Some(true);
    let mut recurring = scheduled.clone();
    recurring.kind = MeetingKind::RecurringFixedTime;
    recurring.recurrence = Some(Recurrence {
        every: RecurrenceUnit::Week,
        interval: 1,
        weekly_days: vec![2, 4],
        monthly_day: None,
        monthly_weekday: None,
        end: RecurrenceEnd::After(10),
    });
    let mut monthly = recurring.clone();
    monthly.recurrence = Some(Recurrence {
        every: RecurrenceUnit::Month,
        interval: 1,
        weekly_days: vec![],
        monthly_day: Some(15),
        monthly_weekday: None,
        end: RecurrenceEnd::By(tomorrow_at(9) + Span::days(90)),
    });
    let mut second_tuesday = monthly.clone();
    second_tuesday.recurrence = Some(Recurrence {
        monthly_day: None,
        monthly_weekday: Some(pmi_core::MonthlyWeekday { week: 2, day: 3 }),
        ..monthly.recurrence.clone().unwrap()
    });
    for m in [
        NewMeeting::instant("Now"),
        scheduled,
        recurring,
        monthly,
        second_tuesday,
    ] {
        let body = serde_json::to_value(m.body()).unwrap();
        if m.kind != MeetingKind::Instant {
            assert!(
                body["settings"].get("use_pmi").is_some(),
                "use_pmi is always sent: {body}"
            );
        }
        validate("POST", "/users/{userId}/meetings", body);
    }
    let update = MeetingUpdate {
        topic: Some("t".into()),
        start: Some(tomorrow_at(8)),
        duration_minutes: Some(45),
        use_pmi: Some(false),
        waiting_room: Some(false),
        ..Default::default()
    };
    validate(
        "PATCH",
        "/meetings/{meetingId}",
        serde_json::to_value(update.body()).unwrap(),
    );
    let settings = SettingsUpdate {
        use_pmi_for_instant_meetings: Some(true),
        pmi_passcode: Some("123456".into()),
        pmi_passcode_requirement: Some(pmi_core::PmiPasscodeRequirement::All),
        waiting_room: Some(true),
        ..Default::default()
    };
    validate(
        "PATCH",
        "/users/{userId}/settings",
        serde_json::to_value(settings.body()).unwrap(),
    );
    let user = UserUpdate {
        pmi: Some(Pmi::choose("3542471135").unwrap()),
        use_pmi: Some(true),
        vanity_name: Some(pmi_core::VanityName::new("jane.doe").unwrap()),
        time_zone: Some("UTC".into()),
    };
    validate(
        "PATCH",
        "/users/{userId}",
        serde_json::to_value(user.body()).unwrap(),
    );
    let locks = LockSettings {
        schedule_meeting: Some(zoom_api::json::LockScheduleMeeting {
            use_pmi_for_instant_meetings: Some(true),
            ..Default::default()
        }),
        meeting_security: Some(zoom_api::json::LockMeetingSecurity {
            waiting_room: Some(true),
            ..Default::default()
        }),
    };
    assert_eq!(locks.split().len(), 2);
    for part in locks.split() {
        validate(
            "PATCH",
            "/accounts/{accountId}/lock_settings",
            serde_json::to_value(&part).unwrap(),
        );
    }
    validate(
        "PUT",
        "/meetings/{meetingId}/status",
        serde_json::json!({"action": "end"}),
    );
}
