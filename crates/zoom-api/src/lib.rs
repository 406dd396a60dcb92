//! A typed client for Zoom's REST API v2 and OAuth, for everything a Personal Meeting ID app
//! calls: the user, PMI settings, meetings, invitations, status and lock settings. One shared
//! `reqwest::Client` with timeouts; safe calls retry with bounded backoff and honour
//! `Retry-After`; a refused token is refreshed once (single-flight); meeting creation never
//! creates twice. Zoom's error codes come back as `Error` variants.

mod auth;
mod client;
mod error;
pub mod json;
mod retry;

pub use auth::{AuthorizationRequest, Credentials};
pub use client::{
    install_tls_provider, ClientConfig, ListKind, MeetingPage, MeetingUpdate, NewMeeting,
    SettingsUpdate, UserUpdate, ZoomClient,
};
pub use error::{Error, FieldError, Result};
pub use json::LockSettings;
pub use retry::RetryPolicy;
pub use secrecy::{ExposeSecret, SecretString};
