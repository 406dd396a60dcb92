//! Drives every endpoint of the sandbox over real HTTP and validates every response body against
//! Zoom's official OpenAPI schemas; checks error shapes, OAuth, persistence and concurrency.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zoom_sandbox::{Config, Consent, Sandbox};

struct Api {
    sandbox: Sandbox,
    http: reqwest::Client,
    token: String,
    _dir: Option<tempfile::TempDir>,
}

async fn admin_token(http: &reqwest::Client, base: &str) -> String {
    let response = http
        .post(format!("{base}/oauth/token"))
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
        .expect("token request");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("token json");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["api_url"], base);
    body["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

/// A client builder, with the TLS provider reqwest needs installed (a second install is refused
/// and harmless).
fn http_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

async fn start_in(
    dir: &std::path::Path,
    tune: impl FnOnce(&mut Config),
) -> (Sandbox, reqwest::Client, String) {
    let mut config = Config::new(dir);
    tune(&mut config);
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    let http = http_builder().build().unwrap();
    let token = admin_token(&http, sandbox.base_url()).await;
    (sandbox, http, token)
}

async fn start() -> Api {
    let dir = tempfile::tempdir().expect("temp dir");
    let (sandbox, http, token) = start_in(dir.path(), |_| {}).await;
    Api {
        sandbox,
        http,
        token,
        _dir: Some(dir),
    }
}

impl Api {
    async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/v2{path}", self.sandbox.base_url()))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let response = req.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("every answer is JSON")
        };
        (status, headers, value)
    }

    /// Calls and validates a success body against the spec's schema for `template`.
    async fn ok(
        &self,
        method: Method,
        path: &str,
        template: &str,
        body: Option<Value>,
        expect: u16,
    ) -> Value {
        if let Some(b) = &body {
            zoom_spec::validate_request(method.as_str(), template, b)
                .unwrap_or_else(|e| panic!("test sent a bad body: {e}"));
        }
        let (status, _, value) = self.raw(method.clone(), path, body).await;
        assert_eq!(status.as_u16(), expect, "{method} {path}: {value}");
        if expect != 204 {
            zoom_spec::validate_response(method.as_str(), template, expect, &value)
                .unwrap_or_else(|e| panic!("{e}\n{value:#}"));
        } else {
            assert_eq!(value, Value::Null, "204 has no body");
        }
        value
    }

    async fn error(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        status: u16,
        code: i64,
    ) -> Value {
        let (got, _, value) = self.raw(method.clone(), path, body).await;
        assert_eq!(
            (got.as_u16(), value["code"].as_i64()),
            (status, Some(code)),
            "{method} {path}: {value}"
        );
        assert!(value["message"].as_str().is_some_and(|m| !m.is_empty()));
        value
    }
}

#[tokio::test]
async fn every_endpoint_answers_in_the_shape_of_the_official_spec() {
    let api = start().await;
    let me = api
        .ok(Method::GET, "/users/me", "/users/{userId}", None, 200)
        .await;
    let pmi = me["pmi"]
        .as_u64()
        .expect("pmi is an integer in the user object");
    assert!(pmi_core::Pmi::choose(&pmi.to_string()).is_ok());
    api.ok(
        Method::GET,
        "/users/local-user",
        "/users/{userId}",
        None,
        200,
    )
    .await;
    api.ok(
        Method::PATCH,
        "/users/me",
        "/users/{userId}",
        Some(json!({"use_pmi": false, "timezone": "Europe/Paris", "vanity_name": "local.user"})),
        204,
    )
    .await;
    let vanity = api
        .ok(
            Method::GET,
            "/users/vanity_name?vanity_name=local.user",
            "/users/vanity_name",
            None,
            200,
        )
        .await;
    assert_eq!(vanity["existed"], true);

    let settings = api
        .ok(
            Method::GET,
            "/users/me/settings",
            "/users/{userId}/settings",
            None,
            200,
        )
        .await;
    assert_eq!(settings["schedule_meeting"]["personal_meeting"], true);
    api.ok(Method::PATCH, "/users/me/settings", "/users/{userId}/settings",
        Some(json!({"schedule_meeting": {"use_pmi_for_scheduled_meetings": true, "embed_password_in_join_link": false}, "in_meeting": {"waiting_room": true}})), 204).await;
    let settings = api
        .ok(
            Method::GET,
            "/users/me/settings",
            "/users/{userId}/settings",
            None,
            200,
        )
        .await;
    assert_eq!(
        settings["schedule_meeting"]["use_pmi_for_scheduled_meetings"],
        true
    );
    assert_eq!(settings["in_meeting"]["waiting_room"], true);

    let room = api
        .ok(
            Method::GET,
            &format!("/meetings/{pmi}"),
            "/meetings/{meetingId}",
            None,
            200,
        )
        .await;
    assert_eq!(room["type"], 4);

    let instant = api
        .ok(
            Method::POST,
            "/users/me/meetings",
            "/users/{userId}/meetings",
            Some(json!({"topic": "Now", "type": 1})),
            201,
        )
        .await;
    assert_eq!(instant["type"], 1);
    let scheduled = api.ok(Method::POST, "/users/me/meetings", "/users/{userId}/meetings",
        Some(json!({"topic": "Plan", "type": 2, "start_time": "2030-01-02T10:00:00Z", "duration": 30, "timezone": "Europe/Paris", "agenda": "a", "password": "abc123", "settings": {"use_pmi": true, "host_video": false}})), 201).await;
    assert_eq!(
        scheduled["pmi"],
        pmi.to_string(),
        "pmi is a string in a meeting"
    );
    assert!(scheduled["join_url"]
        .as_str()
        .unwrap()
        .contains(&format!("/j/{pmi}")));
    assert!(
        scheduled["join_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("omn={}", scheduled["id"])),
        "{scheduled}"
    );
    assert!(
        !scheduled["join_url"].as_str().unwrap().contains("pwd="),
        "the account does not embed passcodes now"
    );
    // Zoom documents a local `yyyy-MM-ddTHH:mm:ss` with `timezone`, which the schema's date-time
    // format does not describe: send it raw, validate the answer.
    let (status, _, local) = api.raw(Method::POST, "/users/me/meetings",
        Some(json!({"topic": "Local time", "type": 2, "start_time": "2030-07-01T09:00:00", "timezone": "Europe/Berlin", "duration": 60, "settings": {"use_pmi": false}}))).await;
    assert_eq!(status, 201);
    zoom_spec::validate_response("POST", "/users/{userId}/meetings", 201, &local).unwrap();
    assert_eq!(
        local["start_time"], "2030-07-01T07:00:00Z",
        "a local time is read in the given zone"
    );
    let recurring = api.ok(Method::POST, "/users/me/meetings", "/users/{userId}/meetings",
        Some(json!({"topic": "Standup", "type": 8, "start_time": "2030-01-03T09:00:00Z", "duration": 15, "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 10}})), 201).await;
    assert_eq!(recurring["recurrence"]["weekly_days"], "2,4");

    let list = api
        .ok(
            Method::GET,
            "/users/me/meetings?type=scheduled&page_size=2",
            "/users/{userId}/meetings",
            None,
            200,
        )
        .await;
    assert_eq!(list["meetings"].as_array().unwrap().len(), 2);
    assert_eq!(list["total_records"], 3, "instant meetings are not listed");
    let token = list["next_page_token"].as_str().unwrap();
    let rest = api
        .ok(
            Method::GET,
            &format!("/users/me/meetings?type=scheduled&page_size=2&next_page_token={token}"),
            "/users/{userId}/meetings",
            None,
            200,
        )
        .await;
    assert_eq!(rest["meetings"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next_page_token"], "");
    for kind in ["upcoming", "upcoming_meetings", "live", "previous_meetings"] {
        api.ok(
            Method::GET,
            &format!("/users/me/meetings?type={kind}"),
            "/users/{userId}/meetings",
            None,
            200,
        )
        .await;
    }

    let id = scheduled["id"].as_u64().unwrap();
    let got = api
        .ok(
            Method::GET,
            &format!("/meetings/{id}"),
            "/meetings/{meetingId}",
            None,
            200,
        )
        .await;
    assert_eq!(got["topic"], "Plan");
    api.ok(
        Method::PATCH,
        &format!("/meetings/{id}"),
        "/meetings/{meetingId}",
        Some(json!({"topic": "Plan B", "duration": 45, "settings": {"waiting_room": true}})),
        204,
    )
    .await;
    let got = api
        .ok(
            Method::GET,
            &format!("/meetings/{id}"),
            "/meetings/{meetingId}",
            None,
            200,
        )
        .await;
    assert_eq!(
        (
            got["topic"].as_str(),
            got["duration"].as_u64(),
            got["settings"]["waiting_room"].as_bool()
        ),
        (Some("Plan B"), Some(45), Some(true))
    );

    let invitation = api
        .ok(
            Method::GET,
            &format!("/meetings/{id}/invitation"),
            "/meetings/{meetingId}/invitation",
            None,
            200,
        )
        .await;
    let text = invitation["invitation"].as_str().unwrap();
    assert!(
        text.contains("\r\n") && text.contains("Topic: Plan B"),
        "{text}"
    );

    api.ok(
        Method::PUT,
        &format!("/meetings/{id}/status"),
        "/meetings/{meetingId}/status",
        Some(json!({"action": "end"})),
        204,
    )
    .await;
    api.ok(
        Method::DELETE,
        &format!("/meetings/{id}"),
        "/meetings/{meetingId}",
        None,
        204,
    )
    .await;
    api.error(Method::GET, &format!("/meetings/{id}"), None, 404, 3001)
        .await;
    api.ok(
        Method::PUT,
        &format!("/meetings/{id}/status"),
        "/meetings/{meetingId}/status",
        Some(json!({"action": "recover"})),
        204,
    )
    .await;
    api.ok(
        Method::GET,
        &format!("/meetings/{id}"),
        "/meetings/{meetingId}",
        None,
        200,
    )
    .await;

    let locks = api
        .ok(
            Method::GET,
            "/accounts/me/lock_settings",
            "/accounts/{accountId}/lock_settings",
            None,
            200,
        )
        .await;
    assert_eq!(
        locks["schedule_meeting"]["use_pmi_for_instant_meetings"],
        false
    );
    let security = api
        .ok(
            Method::GET,
            "/accounts/me/lock_settings?option=meeting_security",
            "/accounts/{accountId}/lock_settings",
            None,
            200,
        )
        .await;
    assert_eq!(security["meeting_security"]["waiting_room"], false);
    api.ok(
        Method::PATCH,
        "/accounts/me/lock_settings",
        "/accounts/{accountId}/lock_settings",
        Some(json!({"meeting_security": {"waiting_room": true}})),
        204,
    )
    .await;
    api.ok(
        Method::PATCH,
        "/accounts/local-account/lock_settings",
        "/accounts/{accountId}/lock_settings",
        Some(json!({"schedule_meeting": {"use_pmi_for_instant_meetings": true}})),
        204,
    )
    .await;
    let locks = api
        .ok(
            Method::GET,
            "/accounts/me/lock_settings",
            "/accounts/{accountId}/lock_settings",
            None,
            200,
        )
        .await;
    assert_eq!(
        locks["schedule_meeting"]["use_pmi_for_instant_meetings"],
        true
    );
}

#[tokio::test]
async fn errors_have_zoom_codes_and_name_the_field() {
    let api = start().await;
    let pmi = api.raw(Method::GET, "/users/me", None).await.2["pmi"]
        .as_u64()
        .unwrap();
    api.error(Method::DELETE, &format!("/meetings/{pmi}"), None, 400, 3018)
        .await;
    api.error(Method::GET, "/meetings/81234567890", None, 404, 3001)
        .await;
    api.error(Method::GET, "/meetings/not-a-number", None, 404, 3001)
        .await;
    api.error(Method::GET, "/users/someone@else.example", None, 404, 1001)
        .await;

    for (body, field) in [
        (json!({"topic": "x".repeat(201)}), "topic"),
        (json!({"agenda": "x".repeat(2001)}), "agenda"),
        (json!({"duration": 0}), "duration"),
        (json!({"duration": 1441}), "duration"),
        (json!({"type": 4}), "type"),
        (json!({"password": "12345678901"}), "password"),
        (json!({"timezone": "Nowhere/City"}), "timezone"),
        (json!({"start_time": "tomorrow"}), "start_time"),
        (json!({"settings": {"use_pmi": "yes"}}), "settings.use_pmi"),
        (
            json!({"type": 8, "recurrence": {"type": 9}}),
            "recurrence.type",
        ),
    ] {
        let err = api
            .error(
                Method::POST,
                "/users/me/meetings",
                Some(body.clone()),
                400,
                300,
            )
            .await;
        assert_eq!(err["errors"][0]["field"], field, "{body}: {err}");
    }
    let err = api
        .error(
            Method::PATCH,
            "/users/me/settings",
            Some(json!({"schedule_meeting": {"use_pmi_for_instant_meetings": 1}})),
            400,
            300,
        )
        .await;
    assert_eq!(
        err["errors"][0]["field"],
        "schedule_meeting.use_pmi_for_instant_meetings"
    );
    let list = api.raw(Method::GET, "/users/me/meetings", None).await.2;
    assert_eq!(list["total_records"], 0, "no bad request created anything");

    // Malformed JSON is a JSON error, never a crash.
    let response = api
        .http
        .post(format!("{}/v2/users/me/meetings", api.sandbox.base_url()))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{\"topic\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], 300);
    api.error(
        Method::POST,
        "/users/me/meetings",
        Some(json!([1, 2])),
        400,
        300,
    )
    .await;
}

#[tokio::test]
async fn unknown_fields_and_parameters_are_ignored() {
    let api = start().await;
    let (status, _, body) = api
        .raw(
            Method::POST,
            "/users/me/meetings",
            Some(json!({"topic": "x", "no_such_field": 1, "settings": {"nor_this": true}})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, _, _) = api
        .raw(
            Method::GET,
            "/users/me/meetings?type=scheduled&whatever=1",
            None,
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn every_v2_call_needs_a_valid_bearer_token() {
    let api = start().await;
    for auth in [None, Some("Bearer nonsense"), Some("Basic abc")] {
        let mut req = api
            .http
            .get(format!("{}/v2/users/me", api.sandbox.base_url()));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let response = req.send().await.unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(response.json::<Value>().await.unwrap()["code"], 124);
    }
    api.sandbox.expire_access_tokens();
    api.error(Method::GET, "/users/me", None, 401, 124).await;
}

const PUBLIC_CLIENT: &str = "pmi-desk-public";
/// RFC 7636's example: the verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// A sandbox that plays Zoom's sign-in, as the standalone binary does.
async fn start_signing_in(consent: Consent) -> Api {
    let dir = tempfile::tempdir().expect("temp dir");
    let (sandbox, http, token) = start_in(dir.path(), |c| {
        c.public_client_id = Some(PUBLIC_CLIENT.into());
        c.authorize = Some(consent);
    })
    .await;
    Api {
        sandbox,
        http,
        token,
        _dir: Some(dir),
    }
}

fn no_redirects() -> reqwest::Client {
    http_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn authorize(
    base: &str,
    client_id: &str,
    redirect: &str,
    state: Option<&str>,
) -> reqwest::Response {
    let mut query = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    if let Some(state) = state {
        query.push(("state", state));
    }
    no_redirects()
        .get(format!("{base}/oauth/authorize"))
        .query(&query)
        .send()
        .await
        .unwrap()
}

fn redirect_param(response: &reqwest::Response, name: &str) -> Option<String> {
    let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    location
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn oauth_endpoints_check_clients_codes_and_redirects() {
    let api = start_signing_in(Consent::AutoApprove).await;
    let base = api.sandbox.base_url();
    let wrong_secret = api
        .http
        .post(format!("{base}/oauth/token"))
        .basic_auth("pmi-desk-local", Some("wrong"))
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", "local-account"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), 401);
    assert_eq!(
        wrong_secret.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    assert_eq!(
        authorize(base, PUBLIC_CLIENT, "https://example.com/cb", None)
            .await
            .status(),
        400,
        "only loopback redirects"
    );
    // Loopback redirects are matched on any port (RFC 8252).
    let response = authorize(base, PUBLIC_CLIENT, "http://127.0.0.1:4000/cb", Some("xyz")).await;
    assert_eq!(response.status(), 303);
    let code = redirect_param(&response, "code").unwrap();
    assert_eq!(redirect_param(&response, "state").unwrap(), "xyz");
    let exchange = |verifier: &str| {
        // A public client: client_id in the form, no secret, no Authorization header.
        api.http
            .post(format!("{base}/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", "http://127.0.0.1:4000/cb"),
                ("code_verifier", verifier),
                ("client_id", PUBLIC_CLIENT),
            ])
            .send()
    };
    let good = exchange(VERIFIER).await.unwrap();
    assert_eq!(good.status(), 200);
    let tokens: Value = good.json().await.unwrap();
    assert!(tokens["refresh_token"].as_str().is_some());
    let again = exchange(VERIFIER).await.unwrap();
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"],
        "invalid_grant",
        "a code works once"
    );
    let refresh = |token: String, client: &'static str| {
        api.http
            .post(format!("{base}/oauth/token"))
            .form(&[
                ("grant_type", "refresh_token".to_owned()),
                ("refresh_token", token),
                ("client_id", client.to_owned()),
            ])
            .send()
    };
    let first = tokens["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        refresh(first.clone(), "pmi-desk-local")
            .await
            .unwrap()
            .status(),
        401,
        "the confidential client's ID without its secret is no client"
    );
    let rotated: Value = refresh(first.clone(), PUBLIC_CLIENT)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(rotated["refresh_token"], tokens["refresh_token"]);
    assert_eq!(
        refresh(first, PUBLIC_CLIENT).await.unwrap().status(),
        400,
        "a spent refresh token is refused"
    );
    // Sign-out: a revoked refresh token is refused.
    let latest = rotated["refresh_token"].as_str().unwrap().to_owned();
    let revoked = api
        .http
        .post(format!("{base}/oauth/revoke"))
        .form(&[("token", latest.as_str()), ("client_id", PUBLIC_CLIENT)])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        refresh(latest, PUBLIC_CLIENT).await.unwrap().status(),
        400,
        "a revoked refresh token is refused"
    );
}

#[tokio::test]
async fn the_consent_page_asks_and_deny_sends_access_denied() {
    let api = start_signing_in(Consent::Ask).await;
    let base = api.sandbox.base_url();
    let page = authorize(base, PUBLIC_CLIENT, "http://127.0.0.1:4100/cb", Some("s1")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Allow") && html.contains("Deny") && html.contains("Local User"),
        "{html}"
    );
    let ticket = html
        .split("name=\"ticket\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let decide = |ticket: String, decision: &'static str| {
        no_redirects()
            .post(format!("{base}/oauth/authorize"))
            .form(&[("ticket", ticket), ("decision", decision.to_owned())])
            .send()
    };
    let denied = decide(ticket.clone(), "deny").await.unwrap();
    assert_eq!(denied.status(), 303);
    assert_eq!(
        redirect_param(&denied, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(redirect_param(&denied, "state").as_deref(), Some("s1"));
    assert!(redirect_param(&denied, "code").is_none());
    assert_eq!(
        decide(ticket, "allow").await.unwrap().status(),
        400,
        "a consent ticket works once"
    );

    let page = authorize(base, PUBLIC_CLIENT, "http://127.0.0.1:4100/cb", Some("s2")).await;
    let html = page.text().await.unwrap();
    let ticket = html
        .split("name=\"ticket\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let allowed = decide(ticket, "allow").await.unwrap();
    assert_eq!(allowed.status(), 303);
    assert!(redirect_param(&allowed, "code").is_some());
    assert_eq!(redirect_param(&allowed, "state").as_deref(), Some("s2"));
}

#[tokio::test]
async fn the_embedded_configuration_gives_no_token_to_other_processes() {
    // `Config::new` is what the app embeds: no authorize endpoint, no public client.
    let api = start().await;
    let base = api.sandbox.base_url();
    assert_eq!(
        authorize(base, "pmi-desk-local", "http://127.0.0.1:4000/cb", None)
            .await
            .status(),
        404
    );
    let code_grant = api
        .http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "anything"),
            ("redirect_uri", "http://127.0.0.1:4000/cb"),
            ("code_verifier", VERIFIER),
            ("client_id", "pmi-desk-local"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(code_grant.status(), 400);
    assert_eq!(
        code_grant.json::<Value>().await.unwrap()["error"],
        "unsupported_grant_type"
    );
    let as_public = api
        .http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", "local-account"),
            ("client_id", "pmi-desk-local"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(as_public.status(), 401, "the client ID alone is not enough");
}

#[tokio::test]
async fn token_parameters_may_come_in_the_query_string() {
    // As PSZoom sends them: everything in the query, no body.
    let api = start().await;
    let base = api.sandbox.base_url();
    let response = api
        .http
        .post(format!(
            "{base}/oauth/token?grant_type=account_credentials&account_id=local-account"
        ))
        .basic_auth(
            zoom_sandbox::DEFAULT_CLIENT_ID,
            Some(zoom_sandbox::DEFAULT_CLIENT_SECRET),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.json::<Value>().await.unwrap()["access_token"].is_string());
    let json_body = api
        .http
        .post(format!("{base}/oauth/token"))
        .basic_auth(
            zoom_sandbox::DEFAULT_CLIENT_ID,
            Some(zoom_sandbox::DEFAULT_CLIENT_SECRET),
        )
        .json(&json!({"grant_type": "account_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), 400);
    let body: Value = json_body.json().await.unwrap();
    assert!(
        body["reason"].as_str().unwrap().contains("form-encoded"),
        "{body}"
    );
}

#[tokio::test]
async fn a_wrong_pkce_verifier_is_refused() {
    let api = start_signing_in(Consent::AutoApprove).await;
    let base = api.sandbox.base_url();
    let response = authorize(base, PUBLIC_CLIENT, "http://localhost:4000/cb", None).await;
    let code = redirect_param(&response, "code").unwrap();
    let refused = api
        .http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "http://localhost:4000/cb"),
            (
                "code_verifier",
                "a-different-verifier-that-is-long-enough-to-pass-the-length-check",
            ),
            ("client_id", PUBLIC_CLIENT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn a_locked_setting_is_left_unchanged() {
    let api = start().await;
    api.ok(Method::PATCH, "/accounts/me/lock_settings", "/accounts/{accountId}/lock_settings",
        Some(json!({"schedule_meeting": {"use_pmi_for_instant_meetings": true, "use_pmi_for_scheduled_meetings": true}})), 204).await;
    api.ok(Method::PATCH, "/users/me/settings", "/users/{userId}/settings",
        Some(json!({"schedule_meeting": {"use_pmi_for_instant_meetings": true, "use_pmi_for_scheduled_meetings": true, "host_video": false}})), 204).await;
    let s = api.raw(Method::GET, "/users/me/settings", None).await.2;
    assert_eq!(s["schedule_meeting"]["use_pmi_for_instant_meetings"], false);
    assert_eq!(
        s["schedule_meeting"]["use_pmi_for_scheduled_meetings"],
        false
    );
    assert_eq!(
        s["schedule_meeting"]["host_video"], false,
        "an unlocked setting in the same call changes"
    );
}

#[tokio::test]
async fn the_daily_cap_answers_zooms_429_with_its_headers() {
    let dir = tempfile::tempdir().unwrap();
    let (sandbox, http, token) = start_in(dir.path(), |c| c.daily_meeting_limit = 1).await;
    let api = Api {
        sandbox,
        http,
        token,
        _dir: None,
    };
    api.ok(
        Method::POST,
        "/users/me/meetings",
        "/users/{userId}/meetings",
        Some(json!({"topic": "one"})),
        201,
    )
    .await;
    let (status, headers, body) = api
        .raw(
            Method::POST,
            "/users/me/meetings",
            Some(json!({"topic": "two"})),
        )
        .await;
    assert_eq!(status, 429);
    assert_eq!(body["code"], 429);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("daily rate limit (1)"));
    assert_eq!(headers["x-ratelimit-type"], "Daily-limit");
    assert_eq!(headers["x-ratelimit-limit"], "1");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let retry_after = headers["retry-after"].to_str().unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(retry_after).expect("Retry-After is a timestamp");
    assert_eq!(at.time(), chrono::NaiveTime::MIN, "lifts at 00:00 UTC");
}

#[tokio::test]
async fn data_survives_a_restart_and_the_pmi_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let (sandbox, http, token) = start_in(dir.path(), |_| {}).await;
    let api = Api {
        sandbox,
        http,
        token,
        _dir: None,
    };
    let pmi = api.raw(Method::GET, "/users/me", None).await.2["pmi"].clone();
    let made = api
        .raw(
            Method::POST,
            "/users/me/meetings",
            Some(json!({"topic": "keep me", "start_time": "2030-01-01T10:00:00Z"})),
        )
        .await
        .2;
    api.sandbox.stop().await;
    let (sandbox, http, token) = start_in(dir.path(), |_| {}).await;
    let api = Api {
        sandbox,
        http,
        token,
        _dir: None,
    };
    assert_eq!(api.raw(Method::GET, "/users/me", None).await.2["pmi"], pmi);
    let got = api
        .raw(Method::GET, &format!("/meetings/{}", made["id"]), None)
        .await
        .2;
    assert_eq!(got["topic"], "keep me");
    assert!(
        dir.path().join("sandbox.sqlite3-wal").exists()
            || dir.path().join("sandbox.sqlite3").exists()
    );
}

#[tokio::test]
async fn concurrent_creates_are_all_kept_with_distinct_ids() {
    let api = std::sync::Arc::new(start().await);
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let api = api.clone();
            tokio::spawn(async move {
                let (status, _, body) = api
                    .raw(
                        Method::POST,
                        "/users/me/meetings",
                        Some(
                            json!({"topic": format!("c{i}"), "start_time": "2030-01-01T10:00:00Z"}),
                        ),
                    )
                    .await;
                assert_eq!(status, 201);
                body["id"].as_u64().unwrap()
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let list = api
        .raw(Method::GET, "/users/me/meetings?page_size=300", None)
        .await
        .2;
    assert_eq!(list["total_records"], 40);
}

#[tokio::test]
async fn it_refuses_a_non_loopback_address_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.listen = "0.0.0.0:0".parse().unwrap();
    let err = Sandbox::start(config.clone()).await.err().expect("refused");
    assert!(err.to_string().contains("--allow-remote"), "{err}");
    // Allowed, but never with the secret everyone can read in the README.
    config.allow_remote = true;
    let err = Sandbox::start(config).await.err().expect("refused");
    assert!(err.to_string().contains("--client-secret"), "{err}");
}

#[tokio::test]
async fn start_and_join_links_open_pages_and_start_the_meeting() {
    let api = start().await;
    let m = api
        .raw(
            Method::POST,
            "/users/me/meetings",
            Some(json!({"topic": "Show me", "start_time": "2030-01-01T10:00:00Z"})),
        )
        .await
        .2;
    let join = api
        .http
        .get(m["join_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(join.contains("wait for the host"), "{join}");
    // Opening the start link asks; nothing changes on a plain GET.
    let asked = api
        .http
        .get(m["start_url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(asked.contains("Start Meeting"), "{asked}");
    let got = api
        .raw(Method::GET, &format!("/meetings/{}", m["id"]), None)
        .await
        .2;
    assert_eq!(got["status"], "waiting");
    // The page's button (a POST from its own origin) starts it.
    let start = api
        .http
        .post(m["start_url"].as_str().unwrap())
        .header("origin", api.sandbox.base_url())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(start.contains("Meeting started"), "{start}");
    let got = api
        .raw(Method::GET, &format!("/meetings/{}", m["id"]), None)
        .await
        .2;
    assert_eq!(got["status"], "started");
    let me = api.raw(Method::GET, "/users/me", None).await.2;
    // As Zoom: the PMI's join link in `personal_meeting_url`, the personal link in `vanity_url`.
    assert!(
        me["personal_meeting_url"]
            .as_str()
            .unwrap()
            .contains(&format!("/j/{}", me["pmi"])),
        "{me}"
    );
    assert!(me["vanity_url"]
        .as_str()
        .unwrap()
        .ends_with("/my/local.user"));
    let personal = api
        .http
        .get(me["vanity_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(
        personal.url().path().starts_with("/j/"),
        "the personal link leads to the PMI"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passcode_is_made_at_once_under_the_strictest_rules() {
    let api = start().await;
    let (status, _, _) = api
        .raw(
            Method::PATCH,
            "/users/me/settings",
            Some(json!({"schedule_meeting": {
                "require_password_for_scheduling_new_meetings": true,
                "meeting_password_requirement": {
                    "length": 8, "have_letter": true, "have_number": true,
                    "have_special_character": true, "have_upper_and_lower_characters": true
                }
            }})),
        )
        .await;
    assert_eq!(status, 204);
    let created = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        api.raw(
            Method::POST,
            "/users/me/meetings",
            Some(json!({"topic": "Strict", "type": 2, "start_time": "2030-01-02T10:00:00Z", "duration": 30})),
        ),
    )
    .await
    .expect("the service made a passcode instead of looping");
    assert_eq!(created.0, 201);
    let passcode = created.2["password"].as_str().unwrap();
    let rules = pmi_core::PasscodeRules {
        min_length: 8,
        have_letter: true,
        have_number: true,
        have_special_character: true,
        only_allow_numeric: false,
        have_upper_and_lower_characters: true,
    };
    assert_eq!(rules.check(passcode), Ok(()), "{passcode}");
}

#[tokio::test]
async fn only_requests_to_its_own_loopback_name_and_origin_are_served() {
    let api = start().await;
    let base = api.sandbox.base_url();
    let port = base.rsplit(':').next().unwrap();
    // DNS rebinding: a web page's own name pointed at 127.0.0.1 sends its own Host.
    for host in ["attacker.example", "attacker.example:80", "127.0.0.1:1"] {
        let rebound = api
            .http
            .get(format!("{base}/v2/users/me"))
            .bearer_auth(&api.token)
            .header("host", host)
            .send()
            .await
            .unwrap();
        assert_eq!(rebound.status(), 403, "{host}");
        let body: Value = rebound.json().await.unwrap();
        assert_eq!(body["code"], 403);
    }
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let own = api
            .http
            .get(format!("{base}/v2/users/me"))
            .bearer_auth(&api.token)
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), 200, "{host}");
    }
    // A form posted from another site cannot start a meeting.
    let me = api.raw(Method::GET, "/users/me", None).await.2;
    let posted = api
        .http
        .post(format!("{base}/s/{}", me["pmi"]))
        .header("origin", "https://attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 403);
    let room = api
        .raw(Method::GET, &format!("/meetings/{}", me["pmi"]), None)
        .await
        .2;
    assert_eq!(room["status"], "waiting");
}
