//! Meeting types as Zoom numbers them, and the account's passcode rules.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Zoom's meeting `type`: 1 instant, 2 scheduled, 3 recurring with no fixed time, 4 the personal
/// room (PMI), 8 recurring with a fixed time, 10 screen share only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    Instant,
    Scheduled,
    RecurringNoFixedTime,
    PersonalRoom,
    RecurringFixedTime,
    ScreenShareOnly,
}

impl MeetingKind {
    pub fn from_code(code: i64) -> Result<Self, Error> {
        Ok(match code {
            1 => Self::Instant,
            2 => Self::Scheduled,
            3 => Self::RecurringNoFixedTime,
            4 => Self::PersonalRoom,
            8 => Self::RecurringFixedTime,
            10 => Self::ScreenShareOnly,
            other => return Err(Error::UnknownMeetingKind(other)),
        })
    }

    pub fn code(self) -> u8 {
        match self {
            Self::Instant => 1,
            Self::Scheduled => 2,
            Self::RecurringNoFixedTime => 3,
            Self::PersonalRoom => 4,
            Self::RecurringFixedTime => 8,
            Self::ScreenShareOnly => 10,
        }
    }

    /// Only scheduled meetings and recurring ones without a fixed time may be held on the PMI.
    pub fn may_use_pmi(self) -> bool {
        matches!(self, Self::Scheduled | Self::RecurringNoFixedTime)
    }
}

/// How participants may join a meeting's audio (`settings.audio`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AudioType {
    /// Computer audio and telephone.
    #[default]
    #[serde(rename = "both")]
    Both,
    #[serde(rename = "telephony")]
    Telephony,
    /// Computer audio only.
    #[serde(rename = "voip")]
    Voip,
    #[serde(rename = "thirdParty")]
    ThirdParty,
}

impl AudioType {
    pub const ALL: [AudioType; 4] = [Self::Both, Self::Telephony, Self::Voip, Self::ThirdParty];

    /// Zoom's word for it in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Both => "both",
            Self::Telephony => "telephony",
            Self::Voip => "voip",
            Self::ThirdParty => "thirdParty",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// How long before the start participants may join without the host (`settings.jbh_time`):
/// Zoom offers any time, 5, 10 or 15 minutes.
pub const JBH_MINUTES: [u8; 4] = [0, 5, 10, 15];

/// The settings of a meeting beyond its time and passcode that the personal room's settings
/// show: Zoom's "PMI Settings".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingOptions {
    pub join_before_host: bool,
    /// One of [`JBH_MINUTES`]; 0 means any time.
    pub jbh_minutes: u8,
    pub mute_upon_entry: bool,
    pub audio: AudioType,
    /// Only signed-in Zoom users may join (`meeting_authentication`).
    pub authenticated_only: bool,
}

/// The account's `meeting_password_requirement`, and Zoom's own limit of 10 characters from
/// letters, digits and `@ - _ *`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasscodeRules {
    /// Minimum length; 0 means Zoom's default of 1.
    pub min_length: u8,
    pub have_letter: bool,
    pub have_number: bool,
    pub have_special_character: bool,
    pub only_allow_numeric: bool,
    pub have_upper_and_lower_characters: bool,
}

pub const PASSCODE_MAX_LENGTH: usize = 10;

impl PasscodeRules {
    /// Checks a passcode, saying what to change when it does not fit.
    pub fn check(&self, passcode: &str) -> Result<(), String> {
        let len = passcode.chars().count();
        let min = usize::from(self.min_length.max(1));
        if len < min {
            return Err(format!("Use at least {min} characters."));
        }
        if len > PASSCODE_MAX_LENGTH {
            return Err(format!("Use at most {PASSCODE_MAX_LENGTH} characters."));
        }
        if let Some(bad) = passcode
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '@' | '-' | '_' | '*')))
        {
            return Err(format!(
                "“{bad}” is not allowed: use letters, numbers and @ - _ * only."
            ));
        }
        if self.only_allow_numeric && !passcode.chars().all(|c| c.is_ascii_digit()) {
            return Err("Use numbers only.".to_owned());
        }
        if self.have_letter && !passcode.chars().any(|c| c.is_ascii_alphabetic()) {
            return Err("Include at least one letter.".to_owned());
        }
        if self.have_number && !passcode.chars().any(|c| c.is_ascii_digit()) {
            return Err("Include at least one number.".to_owned());
        }
        if self.have_special_character
            && !passcode.chars().any(|c| matches!(c, '@' | '-' | '_' | '*'))
        {
            return Err("Include at least one of @ - _ *.".to_owned());
        }
        if self.have_upper_and_lower_characters
            && !(passcode.chars().any(|c| c.is_ascii_uppercase())
                && passcode.chars().any(|c| c.is_ascii_lowercase()))
        {
            return Err("Include both upper and lower case letters.".to_owned());
        }
        Ok(())
    }

    /// A passcode that meets these rules, drawn with `pick(n)` (a random number below `n`): one
    /// character of each class the rules require, the rest from the classes they allow, then
    /// shuffled. Always ends; rules that contradict themselves (numbers only, with a letter)
    /// give numbers only, which `check` then names.
    pub fn generate(&self, mut pick: impl FnMut(usize) -> usize) -> String {
        const DIGITS: &[u8] = b"0123456789";
        const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const SPECIAL: &[u8] = b"@-_*";
        let len = usize::from(self.min_length).clamp(6, PASSCODE_MAX_LENGTH);
        let mut required: Vec<&[u8]> = vec![DIGITS];
        let mut allowed: Vec<u8> = DIGITS.to_vec();
        if !self.only_allow_numeric {
            allowed.extend_from_slice(LOWER);
            if self.have_letter {
                required.push(LOWER);
            }
            if self.have_upper_and_lower_characters {
                required.extend([LOWER, UPPER]);
                allowed.extend_from_slice(UPPER);
            }
            if self.have_special_character {
                required.push(SPECIAL);
                allowed.extend_from_slice(SPECIAL);
            }
        }
        let mut code: Vec<u8> = required
            .iter()
            .map(|class| class[pick(class.len()) % class.len()])
            .collect();
        while code.len() < len {
            code.push(allowed[pick(allowed.len()) % allowed.len()]);
        }
        for i in (1..code.len()).rev() {
            code.swap(i, pick(i + 1) % (i + 1));
        }
        code.into_iter().map(char::from).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_zoom_codes() {
        for code in [1, 2, 3, 4, 8, 10] {
            assert_eq!(
                i64::from(MeetingKind::from_code(code).unwrap().code()),
                code
            );
        }
        assert!(MeetingKind::from_code(5).is_err());
        assert!(MeetingKind::Scheduled.may_use_pmi());
        assert!(!MeetingKind::RecurringFixedTime.may_use_pmi());
    }

    #[test]
    fn passcodes_follow_the_account_rules() {
        let rules = PasscodeRules {
            min_length: 6,
            have_letter: true,
            have_number: true,
            ..PasscodeRules::default()
        };
        assert!(rules.check("abc123").is_ok());
        assert_eq!(
            rules.check("ab12").unwrap_err(),
            "Use at least 6 characters."
        );
        assert_eq!(
            rules.check("abcdefg").unwrap_err(),
            "Include at least one number."
        );
        assert_eq!(
            rules.check("1234567").unwrap_err(),
            "Include at least one letter."
        );
        assert!(rules
            .check("abc 123")
            .unwrap_err()
            .contains("“ ” is not allowed"));
        assert!(rules
            .check("abcdef123456")
            .unwrap_err()
            .contains("at most 10"));
        let numeric = PasscodeRules {
            only_allow_numeric: true,
            ..PasscodeRules::default()
        };
        assert!(numeric.check("12a").is_err());
        assert!(PasscodeRules::default().check("").is_err());
    }
}

/// How a recurring meeting repeats (`recurrence` in Zoom's meeting object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Recurrence {
    pub every: RecurrenceUnit,
    /// Every N days, weeks or months.
    pub interval: u8,
    /// For weekly meetings: 1 = Sunday … 7 = Saturday, as Zoom numbers them.
    pub weekly_days: Vec<u8>,
    /// For monthly meetings: the day of the month.
    pub monthly_day: Option<u8>,
    /// For monthly meetings on a weekday of the month instead ("the second Tuesday"), as Zoom's
    /// own apps make them (its `monthly_week` and `monthly_week_day`).
    pub monthly_weekday: Option<MonthlyWeekday>,
    pub end: RecurrenceEnd,
}

/// A weekday of the month: the `week`th (1–4, or -1 for the last) `day` (1 = Sunday … 7 =
/// Saturday, as Zoom numbers them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MonthlyWeekday {
    pub week: i8,
    pub day: u8,
}

impl MonthlyWeekday {
    /// Whether Zoom takes it: a week of 1–4 or -1, a day of 1–7.
    pub fn is_valid(self) -> bool {
        matches!(self.week, -1 | 1..=4) && (1..=7).contains(&self.day)
    }

    /// Its date in `month` (1–12) of `year`; none when it is not valid.
    pub fn in_month(self, year: i32, month: u32) -> Option<chrono::NaiveDate> {
        if !self.is_valid() {
            return None;
        }
        let weekday = chrono::Weekday::try_from((self.day + 5) % 7).ok()?;
        match u8::try_from(self.week) {
            Ok(n) => chrono::NaiveDate::from_weekday_of_month_opt(year, month, weekday, n),
            // The last: the fifth if the month has one, else the fourth.
            Err(_) => chrono::NaiveDate::from_weekday_of_month_opt(year, month, weekday, 5)
                .or_else(|| chrono::NaiveDate::from_weekday_of_month_opt(year, month, weekday, 4)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum RecurrenceUnit {
    Day,
    Week,
    Month,
}

impl RecurrenceUnit {
    pub fn code(self) -> u8 {
        match self {
            Self::Day => 1,
            Self::Week => 2,
            Self::Month => 3,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Day),
            2 => Some(Self::Week),
            3 => Some(Self::Month),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum RecurrenceEnd {
    /// After this many occurrences (Zoom allows up to 60).
    After(u8),
    /// On this date and time.
    By(chrono::DateTime<chrono::Utc>),
}
