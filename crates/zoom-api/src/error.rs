//! Every way a Zoom call can fail, as variants the app can act on: sign in again, fix a named
//! field, wait until a time, or try later.

use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The token was refused after a refresh, or the refresh token is no longer valid.
    #[error("Your Zoom sign-in has expired: sign in again. ({0})")]
    SignInAgain(String),
    /// Zoom's code 300: a field is missing or wrong; `field` names it when Zoom does.
    #[error("{}", field_message(.field, .message))]
    InvalidField {
        field: Option<String>,
        message: String,
        errors: Vec<FieldError>,
    },
    /// 404, or codes 3001 (meeting) and 1001 (user).
    #[error("{0}")]
    NotFound(String),
    /// Code 3018: the personal room cannot be deleted.
    #[error("The Personal Meeting ID cannot be deleted.")]
    PmiNotDeletable,
    /// Codes 4700/4711: the app was not granted a scope it needs.
    #[error("PMI Desk is missing a Zoom permission: {0}")]
    MissingScopes(String),
    /// 429: the request was not done; `retry_at` says when the limit lifts, when Zoom says.
    #[error("{}", rate_limit_message(.message, .retry_at))]
    RateLimited {
        message: String,
        retry_at: Option<DateTime<Utc>>,
        daily: bool,
    },
    /// The service could not be reached or kept failing; nothing was changed.
    #[error("Cannot reach the meeting service: {0}")]
    Unreachable(String),
    /// A create whose outcome is unknown: the service did not answer, and the meeting could not be
    /// found either. It was not repeated, so nothing was created twice.
    #[error("The meeting service did not confirm the new meeting. Check your meetings before trying again. ({0})")]
    Unconfirmed(String),
    /// Any other error Zoom returned.
    #[error("Zoom refused the request (HTTP {status}, code {code}): {message}")]
    Api {
        status: u16,
        code: i64,
        message: String,
    },
    /// The OAuth server refused a sign-in step.
    #[error("Zoom sign-in failed: {error} ({reason})")]
    OAuth { error: String, reason: String },
    /// The answer was not what the API documents.
    #[error("The meeting service sent an unexpected answer: {0}")]
    InvalidResponse(String),
    /// The sign-in callback did not carry the `state` we sent: possibly forged.
    #[error("The sign-in answer did not match this sign-in attempt; start again.")]
    StateMismatch,
    /// The app's own configuration is wrong (a bad base URL, say).
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Domain(#[from] pmi_core::Error),
}

fn field_message(field: &Option<String>, message: &str) -> String {
    match field {
        Some(field) => format!("{field}: {message}"),
        None => message.to_owned(),
    }
}

fn rate_limit_message(message: &str, retry_at: &Option<DateTime<Utc>>) -> String {
    match retry_at {
        Some(at) => format!(
            "{message} (try again after {})",
            at.format("%Y-%m-%d %H:%M UTC")
        ),
        None => message.to_owned(),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
