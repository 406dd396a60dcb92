use thiserror::Error;

/// Why a number is not a Personal Meeting ID, in the order Zoom's support article lists the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PmiRule {
    #[error("a Personal Meeting ID has 10 digits")]
    Length,
    #[error("a Personal Meeting ID cannot start with 0 or 1")]
    FirstDigit,
    #[error("a Personal Meeting ID cannot start with {0}")]
    ForbiddenPrefix(&'static str),
    #[error(
        "a Personal Meeting ID cannot repeat a 3-digit group (like 247 247 247x or 222 444 777x)"
    )]
    RepeatedGroup,
    #[error("a Personal Meeting ID cannot use the same digit 8 times")]
    SameEightDigits,
    #[error("a Personal Meeting ID cannot have the same digit 5 or more times in a row")]
    DigitRun,
    #[error("a Personal Meeting ID cannot contain a run of ascending or descending digits (like 123456 or 987654)")]
    SequentialRun,
    #[error(
        "9-digit Personal Meeting IDs still work but can no longer be chosen; pick a 10-digit one"
    )]
    LegacyNotChoosable,
}

/// Everything the domain can refuse, each saying what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    #[error("“{input}” is not a valid Personal Meeting ID: {rule}")]
    InvalidPmi { input: String, rule: PmiRule },
    #[error("“{input}” is not a meeting ID: enter 9 to 11 digits, like 354 247 1135")]
    InvalidMeetingId { input: String },
    #[error("“{input}” is not a Zoom link: {reason}")]
    InvalidLink { input: String, reason: &'static str },
    #[error("“{input}” is not a valid personal link name: {reason}")]
    InvalidVanityName { input: String, reason: &'static str },
    #[error("unknown meeting type {0}")]
    UnknownMeetingKind(i64),
    #[error("unknown time zone “{0}”: use an IANA name such as Europe/Berlin")]
    UnknownTimeZone(String),
}
