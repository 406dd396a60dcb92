//! Zoom's error bodies: `{"code": N, "message": "...", "errors": [{"field", "message"}]}`.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An error as Zoom answers it, with the HTTP status it goes with.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
    pub errors: Vec<FieldError>,
    /// Extra headers (rate-limit ones); a list keeps the error small.
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 124, "Invalid access token.")
    }

    pub fn missing_scopes(scopes: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            4700,
            format!("Invalid access token, does not contain scopes:[{scopes}]."),
        )
    }

    /// Code 300 with the field named, as Zoom reports validation failures.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    pub fn fields(errors: Vec<FieldError>) -> Self {
        let mut err = Self::new(StatusCode::BAD_REQUEST, 300, "Validation Failed.");
        err.errors = errors;
        err
    }

    pub fn bad_request(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn meeting_not_found(id: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            3001,
            format!("Meeting does not exist: {id}."),
        )
    }

    pub fn user_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, 1001, "User does not exist.")
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(%err, "sandbox internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, 500, "Internal error.")
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        Self::internal(err)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    code: u32,
    message: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    errors: &'a [FieldError],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(Body {
            code: self.code,
            message: &self.message,
            errors: &self.errors,
        });
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        }
        (self.status, headers, body).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
