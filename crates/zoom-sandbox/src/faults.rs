//! Faults on demand for tests: added latency, 5xx, 429, dropped connections and truncated JSON,
//! for a given route and count. Off unless the sandbox starts with faults enabled.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Waits `latency_ms`, then serves the request normally.
    Latency,
    /// Answers `status` (default 503) without doing anything.
    Status,
    /// Answers 429 without doing anything, with `Retry-After` as `retry_after` says.
    RateLimit,
    /// Closes the connection without doing anything.
    Drop,
    /// Does the request, then closes the connection before answering: the change happened.
    DropAfter,
    /// Does the request, then sends only the first half of the JSON body.
    Truncate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    Seconds,
    Timestamp,
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fault {
    /// `"METHOD /path"`; `*` for any method, and a trailing `*` matches any path with that prefix.
    pub route: String,
    pub kind: FaultKind,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    #[serde(default)]
    pub retry_after: Option<RetryAfter>,
    /// Seconds until the limit lifts, for `rate_limit` (default 1).
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn matches(&self, method: &str, path: &str) -> bool {
        let Some((m, p)) = self.route.split_once(' ') else {
            return false;
        };
        let method_ok = m == "*" || m.eq_ignore_ascii_case(method);
        let path_ok = match p.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => p == path,
        };
        method_ok && path_ok
    }
}

#[derive(Default)]
pub struct Faults {
    armed: Mutex<Vec<Fault>>,
}

impl Faults {
    pub fn add(&self, fault: Fault) {
        self.lock().push(fault);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.armed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes one use of the first fault matching the request.
    fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut armed = self.lock();
        let index = armed.iter().position(|f| f.matches(method, path))?;
        let fault = armed[index].clone();
        armed[index].count = armed[index].count.saturating_sub(1);
        if armed[index].count == 0 {
            armed.remove(index);
        }
        Some(fault)
    }
}

/// A body that fails before its first byte, so the server closes the connection without a
/// response.
fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("sandbox fault: connection dropped"))
    });
    Response::new(Body::from_stream(stream))
}

pub async fn inject(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let Some(fault) = state.faults.take(&method, &path) else {
        return next.run(request).await;
    };
    tracing::info!(?fault.kind, %method, %path, "injecting fault");
    match fault.kind {
        FaultKind::Latency => {
            tokio::time::sleep(Duration::from_millis(fault.latency_ms.unwrap_or(500))).await;
            next.run(request).await
        }
        FaultKind::Status => {
            let status = StatusCode::from_u16(fault.status.unwrap_or(503))
                .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let body = json!({"code": status.as_u16(), "message": "The service is temporarily unavailable."});
            (status, Json(body)).into_response()
        }
        FaultKind::RateLimit => {
            let secs = fault.retry_after_secs.unwrap_or(1);
            let body = json!({"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."});
            let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
            let headers = response.headers_mut();
            headers.insert("x-ratelimit-type", HeaderValue::from_static("QPS"));
            headers.insert("x-ratelimit-category", HeaderValue::from_static("Light"));
            let retry_after = match fault.retry_after.unwrap_or(RetryAfter::Seconds) {
                RetryAfter::Seconds => Some(secs.to_string()),
                RetryAfter::Timestamp => Some(crate::model::utc_text(
                    Utc::now() + chrono::Duration::seconds(i64::try_from(secs).unwrap_or(1)),
                )),
                RetryAfter::None => None,
            };
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(header::RETRY_AFTER, value);
            }
            response
        }
        FaultKind::Drop => dropped_connection(),
        FaultKind::DropAfter => {
            let _ = next.run(request).await;
            dropped_connection()
        }
        FaultKind::Truncate => {
            let response = next.run(request).await;
            let (mut parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(cut))
        }
    }
}

pub async fn add_fault(State(state): State<Arc<AppState>>, Json(fault): Json<Fault>) -> StatusCode {
    state.faults.add(fault);
    StatusCode::NO_CONTENT
}

pub async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}
