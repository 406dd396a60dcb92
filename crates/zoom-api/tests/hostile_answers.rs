//! The client against a service that answers badly on purpose, over real HTTP on loopback: a
//! list that hands back the same page token forever, a meeting nobody can read among good ones,
//! and any bytes at all as an answer. Every one ends, with meetings or a typed error; none
//! panics or hangs.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use proptest::prelude::*;
use serde_json::json;
use zoom_api::{ClientConfig, Credentials, Error, ListKind, RetryPolicy, SecretString, ZoomClient};

/// What the hostile service answers to `GET /v2/users/me/meetings`: a status and a body.
type Answer = Arc<Mutex<(u16, Vec<u8>)>>;

struct Hostile {
    base: String,
    answer: Answer,
    /// What `POST /oauth/token` answers.
    token: Arc<Mutex<serde_json::Value>>,
    pages: Arc<AtomicUsize>,
}

async fn hostile() -> Hostile {
    let answer: Answer = Arc::new(Mutex::new((200, Vec::new())));
    let token = Arc::new(Mutex::new(
        json!({"access_token": "t", "token_type": "bearer", "expires_in": 3599}),
    ));
    let pages = Arc::new(AtomicUsize::new(0));
    let (a, p, t) = (answer.clone(), pages.clone(), token.clone());
    let app = Router::new()
        .route(
            "/oauth/token",
            post(move || {
                let t = t.clone();
                async move { Json(t.lock().unwrap().clone()) }
            }),
        )
        .route(
            "/v2/users/me/meetings",
            get(move || {
                let (a, p) = (a.clone(), p.clone());
                async move {
                    p.fetch_add(1, Ordering::SeqCst);
                    let (status, body) = a.lock().unwrap().clone();
                    (StatusCode::from_u16(status).unwrap(), body).into_response()
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Hostile {
        base,
        answer,
        token,
        pages,
    }
}

fn client(base: &str) -> ZoomClient {
    let mut config = ClientConfig::local(base).unwrap();
    config.retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
        max_retry_after: Duration::from_millis(5),
    };
    config.request_timeout = Duration::from_secs(5);
    ZoomClient::new(
        config.http_client().unwrap(),
        config,
        Credentials::AccountCredentials {
            account_id: "a".into(),
            client_id: "c".into(),
            client_secret: SecretString::from("s".to_owned()),
        },
    )
}

fn meeting(id: u64, topic: &str) -> serde_json::Value {
    json!({
        "id": id, "topic": topic, "type": 2, "start_time": "2030-01-02T10:00:00Z", "duration": 30,
        "timezone": "UTC", "created_at": "2029-01-01T00:00:00Z",
        "join_url": format!("https://zoom.us/j/{id}"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_page_token_ends_the_list_and_an_unreadable_meeting_is_skipped() {
    let server = hostile().await;
    *server.answer.lock().unwrap() = (
        200,
        serde_json::to_vec(&json!({
            "next_page_token": "again-and-again",
            "meetings": [
                meeting(85746065432, "Good"),
                {"id": "not a number", "topic": 7},
                meeting(85746065433, "Also good"),
            ],
        }))
        .unwrap(),
    );
    let listed = tokio::time::timeout(
        Duration::from_secs(10),
        client(&server.base).list_all_meetings(ListKind::Upcoming),
    )
    .await
    .expect("the list ends")
    .unwrap();
    let topics: Vec<&str> = listed.iter().map(|m| m.topic.as_str()).collect();
    // The second page is the first one again: read, not listed twice, then stopped.
    assert_eq!(topics, ["Good", "Also good"]);
    assert_eq!(server.pages.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_expires_in_is_capped_not_a_panic() {
    let server = hostile().await;
    *server.token.lock().unwrap() =
        json!({"access_token": "t", "token_type": "bearer", "expires_in": u64::MAX});
    *server.answer.lock().unwrap() = (200, br#"{"meetings": []}"#.to_vec());
    let zoom = client(&server.base);
    assert!(zoom
        .list_all_meetings(ListKind::Upcoming)
        .await
        .unwrap()
        .is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any status and any bytes as the answer: meetings or a typed error, in bounded time.
    #[test]
    fn any_answer_gives_meetings_or_a_typed_error(
        status in prop::sample::select(vec![200u16, 201, 204, 300, 400, 401, 404, 429, 500, 503]),
        body in prop::collection::vec(any::<u8>(), 0..300),
        json_like in "[{}\\[\\]\":,0-9a-z_ ]{0,120}",
        use_json_like: bool,
    ) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let server = hostile().await;
            let bytes = if use_json_like { json_like.into_bytes() } else { body };
            *server.answer.lock().unwrap() = (status, bytes);
            let outcome = tokio::time::timeout(
                Duration::from_secs(20),
                client(&server.base).list_all_meetings(ListKind::Upcoming),
            )
            .await
            .expect("no hang");
            if let Err(err) = outcome {
                // A typed error that says something.
                prop_assert!(!err.to_string().is_empty());
                prop_assert!(!matches!(err, Error::Config(_)));
            }
            Ok(())
        })?;
    }
}
