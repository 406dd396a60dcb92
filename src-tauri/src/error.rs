//! The one error the UI sees: `{kind, message}` (plus `fields` for form problems), so the UI
//! branches on `kind`, never on text.

use pmi_core::FieldProblem;
use serde::{Serialize, Serializer};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Zoom(#[from] zoom_api::Error),
    #[error(transparent)]
    Domain(#[from] pmi_core::Error),
    /// Form fields to fix, each named as the dialog names it.
    #[error("{}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join(" "))]
    InvalidFields(Vec<FieldProblem>),
    #[error("The built-in account could not start: {0}")]
    LocalAccount(String),
    #[error("This account has no Personal Meeting ID: turn on “Enable Personal Meeting ID” in Zoom's settings.")]
    NoPmi,
    #[error("This meeting has no start time, so it cannot go in a calendar.")]
    NoStartTime,
    #[error("Could not copy to the clipboard: {0}")]
    Clipboard(String),
    #[error("Could not open the link: {0}")]
    Open(String),
    #[error("Could not save a file: {0}")]
    File(String),
    #[error("To sign in with Zoom, enter your Zoom app's Client ID in Settings → Account (the README says how to make one).")]
    NoClientId,
    #[error(transparent)]
    SignIn(#[from] crate::sign_in::SignInError),
    #[error("Could not change whether PMI Desk starts when you log in: {0}")]
    StartAtLogin(String),
    #[error("Your Zoom sign-in could not be read: {0}.")]
    Keychain(#[from] crate::keychain::KeychainError),
    /// A change Zoom took, whose result could not be read back.
    #[error("{what} is changed, but your personal room could not be read back to show it; it shows once the service answers. ({why})")]
    ChangedUnread { what: &'static str, why: String },
}

impl Error {
    pub fn file(err: std::io::Error) -> Self {
        Error::File(err.to_string())
    }

    /// The service could not answer now, or the sign-in lapsed: the last data seen may stand
    /// in, marked, while the user retries or signs in again.
    pub fn may_show_cached(&self) -> bool {
        matches!(
            self,
            Error::Zoom(
                zoom_api::Error::Unreachable(_)
                    | zoom_api::Error::SignInAgain(_)
                    | zoom_api::Error::RateLimited { .. }
            ) | Error::Keychain(_)
        )
    }

    /// A stable name for what the UI should do about it.
    pub fn kind(&self) -> &'static str {
        use zoom_api::Error as Z;
        match self {
            Error::Zoom(Z::SignInAgain(_) | Z::OAuth { .. }) => "sign_in_again",
            Error::Zoom(Z::StateMismatch) => "sign_in_failed",
            Error::Zoom(Z::InvalidField { .. }) | Error::InvalidFields(_) => "invalid_fields",
            Error::Domain(_) => "invalid_input",
            Error::Zoom(Z::NotFound(_)) => "not_found",
            Error::Zoom(Z::PmiNotDeletable) => "pmi_not_deletable",
            Error::Zoom(Z::MissingScopes(_)) => "missing_permission",
            Error::Zoom(Z::RateLimited { .. }) => "rate_limited",
            Error::Zoom(Z::Unreachable(_)) => "unreachable",
            Error::Zoom(Z::Unconfirmed(_)) => "unconfirmed",
            Error::Zoom(Z::Api { .. } | Z::InvalidResponse(_) | Z::Config(_) | Z::Domain(_)) => {
                "service"
            }
            Error::LocalAccount(_) => "local_account",
            Error::NoPmi => "no_pmi",
            Error::NoStartTime => "invalid_input",
            Error::Clipboard(_) => "clipboard",
            Error::Open(_) => "open",
            Error::File(_) => "file",
            Error::NoClientId => "no_client_id",
            Error::SignIn(e) => {
                use crate::sign_in::SignInError as S;
                match e {
                    S::Denied => "sign_in_denied",
                    S::TimedOut(_) => "sign_in_timed_out",
                    S::Cancelled => "sign_in_cancelled",
                    S::WrongState | S::Refused(_) | S::Listen(_) => "sign_in_failed",
                }
            }
            Error::Keychain(_) => "keychain",
            Error::StartAtLogin(_) => "start_at_login",
            Error::ChangedUnread { .. } => "changed_unread",
        }
    }

    /// Problems by field: ours, or the service's with its field names turned into the dialog's.
    pub fn fields(&self) -> Vec<FieldProblem> {
        match self {
            Error::InvalidFields(problems) => problems.clone(),
            Error::Zoom(zoom_api::Error::InvalidField {
                field,
                message,
                errors,
            }) => {
                let mut problems: Vec<FieldProblem> = errors
                    .iter()
                    .map(|e| FieldProblem {
                        field: dialog_field(&e.field).to_owned(),
                        message: e.message.clone(),
                    })
                    .collect();
                if problems.is_empty() {
                    problems.push(FieldProblem {
                        field: field
                            .as_deref()
                            .map(dialog_field)
                            .unwrap_or("form")
                            .to_owned(),
                        message: message.clone(),
                    });
                }
                problems
            }
            _ => Vec::new(),
        }
    }
}

/// Zoom's field names as the Schedule dialog names its fields.
fn dialog_field(zoom: &str) -> &str {
    match zoom {
        "start_time" => "time",
        "timezone" => "time_zone",
        "password" => "passcode",
        "duration" => "duration",
        "topic" => "topic",
        f if f.starts_with("recurrence") => "recurrence",
        f if f.starts_with("settings.use_pmi") => "meeting_id",
        _ => "form",
    }
}

impl From<&Error> for crate::views::ErrorBody {
    fn from(err: &Error) -> Self {
        crate::views::ErrorBody {
            kind: err.kind().to_owned(),
            message: err.to_string(),
            fields: err.fields(),
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::views::ErrorBody::from(self).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_kind_and_message() {
        let err = Error::from(zoom_api::Error::PmiNotDeletable);
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["kind"], "pmi_not_deletable");
        assert_eq!(
            json["message"],
            "The Personal Meeting ID cannot be deleted."
        );
        assert_eq!(json["fields"], serde_json::json!([]));
    }

    #[test]
    fn the_services_field_names_become_the_dialogs() {
        let err = Error::from(zoom_api::Error::InvalidField {
            field: Some("start_time".into()),
            message: "bad".into(),
            errors: vec![zoom_api::FieldError {
                field: "timezone".into(),
                message: "Unknown".into(),
            }],
        });
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["kind"], "invalid_fields");
        assert_eq!(json["fields"][0]["field"], "time_zone");
    }
}
