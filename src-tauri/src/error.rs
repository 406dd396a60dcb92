//! The one error the UI sees: `{kind, message}`, so the UI branches on `kind`, never on text.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Zoom(#[from] zoom_api::Error),
    #[error(transparent)]
    Domain(#[from] pmi_core::Error),
    #[error("The built-in account could not start: {0}")]
    LocalAccount(String),
    #[error("This account has no Personal Meeting ID: turn on “Enable Personal Meeting ID” in Zoom's settings.")]
    NoPmi,
}

impl Error {
    /// A stable name for what the UI should do about it.
    pub fn kind(&self) -> &'static str {
        use zoom_api::Error as Z;
        match self {
            Error::Zoom(Z::SignInAgain(_) | Z::StateMismatch | Z::OAuth { .. }) => "sign_in_again",
            Error::Zoom(Z::InvalidField { .. }) | Error::Domain(_) => "invalid_input",
            Error::Zoom(Z::NotFound(_)) => "not_found",
            Error::Zoom(Z::PmiNotDeletable) => "pmi_not_deletable",
            Error::Zoom(Z::MissingScopes(_)) => "missing_permission",
            Error::Zoom(Z::RateLimited { .. }) => "rate_limited",
            Error::Zoom(Z::Unreachable(_)) => "unreachable",
            Error::Zoom(Z::Unconfirmed(_)) => "unconfirmed",
            Error::Zoom(Z::Api { .. } | Z::InvalidResponse(_) | Z::Config(_)) => "service",
            Error::Zoom(Z::Domain(_)) => "service",
            Error::LocalAccount(_) => "local_account",
            Error::NoPmi => "no_pmi",
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Error", 2)?;
        s.serialize_field("kind", self.kind())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
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
    }
}
