//! Any bytes at all, sent to the routes that read a body or parameters, over real HTTP: the
//! service answers in Zoom's shape (`{code, message}`) or accepts, and never fails inside (500),
//! panics or hangs.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use proptest::prelude::*;
use reqwest::Method;
use serde_json::Value;
use zoom_sandbox::{Config, Consent, Sandbox};

struct Service {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
    token: String,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn service() -> &'static Service {
    static SERVICE: std::sync::OnceLock<Service> = std::sync::OnceLock::new();
    SERVICE.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        config.daily_meeting_limit = 100_000;
        config.public_client_id = Some("public".into());
        config.authorize = Some(Consent::Ask);
        let sandbox = runtime.block_on(Sandbox::start(config)).unwrap();
        let http = http_builder().build().unwrap();
        let token = runtime.block_on(async {
            let body: Value = http
                .post(format!("{}/oauth/token", sandbox.base_url()))
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
            body["access_token"].as_str().unwrap().to_owned()
        });
        Service {
            runtime,
            sandbox,
            token,
            http,
            _dir: dir,
        }
    })
}

/// Sends `body` and checks the answer's shape.
fn send(
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Result<(), TestCaseError> {
    let s = service();
    let url = format!("{}{path}", s.sandbox.base_url());
    let (status, bytes) = s.runtime.block_on(async {
        let response = tokio::time::timeout(
            Duration::from_secs(10),
            s.http
                .request(method, url)
                .bearer_auth(&s.token)
                .header("content-type", content_type)
                .body(body)
                .send(),
        )
        .await
        .expect("no hang")
        .expect("an answer");
        let status = response.status();
        (status, response.bytes().await.unwrap())
    });
    prop_assert!(
        status.as_u16() != 500,
        "{path}: 500: {}",
        String::from_utf8_lossy(&bytes)
    );
    if !status.is_success() && !path.starts_with("/oauth/authorize") {
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| TestCaseError::fail(format!("{path}: {status} not JSON: {e}")))?;
        let zoom_shaped = value["code"].is_i64() && value["message"].is_string();
        let oauth_shaped = value["error"].is_string();
        prop_assert!(zoom_shaped || oauth_shaped, "{path}: {value}");
    }
    Ok(())
}

fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        "[{}\\[\\]\":,0-9a-z_. -]{0,160}".prop_map(String::into_bytes),
        // JSON objects with the right keys and values of any kind.
        prop::collection::btree_map(
            prop::sample::select(vec![
                "topic",
                "type",
                "start_time",
                "duration",
                "timezone",
                "password",
                "settings",
                "recurrence",
                "schedule_meeting",
                "in_meeting",
                "pmi",
                "vanity_name",
                "use_pmi",
                "agenda",
                "meeting_password_requirement",
                "length",
            ]),
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                any::<f64>().prop_map(Value::from),
                ".{0,20}".prop_map(Value::from),
                Just(serde_json::json!({"type": 9, "weekly_days": "x", "end_times": -1})),
                Just(serde_json::json!({"have_letter": "yes", "length": 99})),
            ],
            0..6,
        )
        .prop_map(|m| serde_json::to_vec(&m).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_body_gets_zooms_answer_never_a_crash(
        body in bodies(),
        route in prop::sample::select(vec![
            ("POST", "/v2/users/me/meetings"),
            ("PATCH", "/v2/users/me"),
            ("PATCH", "/v2/users/me/settings"),
            ("PATCH", "/v2/meetings/{pmi}"),
            ("PUT", "/v2/meetings/{pmi}/status"),
            ("PATCH", "/v2/accounts/me/lock_settings"),
            ("POST", "/oauth/token"),
            ("POST", "/oauth/revoke"),
            ("POST", "/oauth/authorize"),
        ]),
        content_type in prop::sample::select(vec![
            "application/json", "application/x-www-form-urlencoded", "text/plain",
        ]),
    ) {
        let s = service();
        let pmi: u64 = s.runtime.block_on(async {
            let me: Value = s.http
                .get(format!("{}/v2/users/me", s.sandbox.base_url()))
                .bearer_auth(&s.token)
                .send().await.unwrap().json().await.unwrap();
            me["pmi"].as_u64().unwrap()
        });
        let path = route.1.replace("{pmi}", &pmi.to_string());
        send(route.0.parse().unwrap(), &path, content_type, body)?;
    }

    #[test]
    fn any_query_gets_an_answer_never_a_crash(query in "[a-z_=&%0-9.:/ -]{0,80}") {
        for path in ["/v2/users/me/meetings", "/v2/users/vanity_name", "/oauth/authorize", "/oauth/token"] {
            let method = if path == "/oauth/token" { Method::POST } else { Method::GET };
            send(method, &format!("{path}?{query}"), "application/json", Vec::new())?;
        }
    }
}

/// A client builder, with the TLS provider reqwest needs installed (a second install is refused
/// and harmless).
fn http_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}
