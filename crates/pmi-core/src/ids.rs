//! Personal Meeting IDs, meeting IDs and personal link names: types that only hold valid values.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, PmiRule};
use crate::links::{DesktopLink, JoinLink};

/// Prefixes Zoom reserves (toll-free and service numbers); no PMI may start with one.
const FORBIDDEN_PREFIXES: [&str; 21] = [
    "800", "400", "888", "887", "877", "866", "855", "850", "803", "804", "807", "808", "809",
    "660", "508", "900", "200", "300", "500", "600", "700",
];

/// A run of this many consecutive ascending or descending digits is refused, as in 123456789x.
const SEQUENTIAL_RUN: usize = 6;

/// A meeting number as Zoom issues them: 9 to 11 digits, never starting with 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct MeetingId(u64);

impl MeetingId {
    pub fn new(value: u64) -> Result<Self, Error> {
        if (100_000_000..100_000_000_000).contains(&value) {
            Ok(Self(value))
        } else {
            Err(Error::InvalidMeetingId {
                input: value.to_string(),
            })
        }
    }

    /// Reads what people paste: "354 247 1135", "354-247-1135", a join link or a `zoommtg://` link.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let trimmed = input.trim();
        if trimmed.contains("://") || trimmed.contains("/j/") {
            if let Ok(link) = JoinLink::parse(trimmed) {
                return Ok(link.meeting_id());
            }
            if let Ok(link) = DesktopLink::parse(trimmed) {
                return Ok(link.meeting_id());
            }
            return Err(Error::InvalidMeetingId {
                input: input.to_owned(),
            });
        }
        let digits = strip_separators(trimmed).ok_or_else(|| Error::InvalidMeetingId {
            input: input.to_owned(),
        })?;
        if digits.starts_with('0') || !(9..=11).contains(&digits.len()) {
            return Err(Error::InvalidMeetingId {
                input: input.to_owned(),
            });
        }
        let value = digits.parse().map_err(|_| Error::InvalidMeetingId {
            input: input.to_owned(),
        })?;
        Self::new(value)
    }

    pub fn get(self) -> u64 {
        self.0
    }

    /// Grouped as Zoom shows it: "123 456 789", "354 247 1135", "857 4606 5432".
    pub fn formatted(self) -> String {
        let digits = self.0.to_string();
        let cuts: &[usize] = match digits.len() {
            9 => &[3, 6],
            10 => &[3, 6],
            _ => &[3, 7],
        };
        let mut out = String::with_capacity(digits.len() + 2);
        for (i, ch) in digits.chars().enumerate() {
            if cuts.contains(&i) {
                out.push(' ');
            }
            out.push(ch);
        }
        out
    }
}

impl TryFrom<u64> for MeetingId {
    type Error = Error;
    fn try_from(value: u64) -> Result<Self, Error> {
        Self::new(value)
    }
}

impl From<MeetingId> for u64 {
    fn from(id: MeetingId) -> u64 {
        id.0
    }
}

impl fmt::Display for MeetingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for MeetingId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

/// A Personal Meeting ID: a valid 10-digit PMI, or a legacy 9-digit one (readable, not choosable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Pmi(u64);

impl Pmi {
    /// Accepts a PMI the service already holds: any 10-digit PMI that meets Zoom's rules, or a legacy
    /// 9-digit one.
    pub fn new(value: u64) -> Result<Self, Error> {
        let digits = value.to_string();
        if digits.len() == 9 {
            return Ok(Self(value));
        }
        check_rules(&digits).map_err(|rule| Error::InvalidPmi {
            input: digits.clone(),
            rule,
        })?;
        Ok(Self(value))
    }

    /// Parses what someone typed as the PMI they want: 10 digits that meet every rule; a legacy
    /// 9-digit number is refused because Zoom no longer lets anyone choose one.
    pub fn choose(input: &str) -> Result<Self, Error> {
        let digits = strip_separators(input.trim()).ok_or_else(|| Error::InvalidPmi {
            input: input.to_owned(),
            rule: PmiRule::Length,
        })?;
        let rule = if digits.len() == 9 {
            Err(PmiRule::LegacyNotChoosable)
        } else {
            check_rules(&digits)
        };
        rule.map_err(|rule| Error::InvalidPmi {
            input: input.to_owned(),
            rule,
        })?;
        let value = digits.parse().map_err(|_| Error::InvalidPmi {
            input: input.to_owned(),
            rule: PmiRule::Length,
        })?;
        Ok(Self(value))
    }

    /// Reads a PMI in any of the forms people paste, legacy ones included.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let id = MeetingId::parse(input).map_err(|_| Error::InvalidPmi {
            input: input.to_owned(),
            rule: PmiRule::Length,
        })?;
        Self::new(id.get()).map_err(|err| match err {
            Error::InvalidPmi { rule, .. } => Error::InvalidPmi {
                input: input.to_owned(),
                rule,
            },
            other => other,
        })
    }

    pub fn get(self) -> u64 {
        self.0
    }

    pub fn is_legacy(self) -> bool {
        self.0 < 1_000_000_000
    }

    pub fn meeting_id(self) -> MeetingId {
        MeetingId(self.0)
    }

    /// "354 247 1135" (or "123 456 789" for a legacy PMI).
    pub fn formatted(self) -> String {
        self.meeting_id().formatted()
    }
}

impl TryFrom<u64> for Pmi {
    type Error = Error;
    fn try_from(value: u64) -> Result<Self, Error> {
        Self::new(value)
    }
}

impl From<Pmi> for u64 {
    fn from(pmi: Pmi) -> u64 {
        pmi.0
    }
}

impl From<Pmi> for MeetingId {
    fn from(pmi: Pmi) -> MeetingId {
        pmi.meeting_id()
    }
}

impl fmt::Display for Pmi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Checks a string of digits against Zoom's rules for choosing a 10-digit PMI.
fn check_rules(digits: &str) -> Result<(), PmiRule> {
    let d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    if d.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PmiRule::Length);
    }
    if d[0] < 2 {
        return Err(PmiRule::FirstDigit);
    }
    if let Some(prefix) = FORBIDDEN_PREFIXES.iter().find(|p| digits.starts_with(*p)) {
        return Err(PmiRule::ForbiddenPrefix(prefix));
    }
    let groups = [&d[0..3], &d[3..6], &d[6..9]];
    let all_same_group = groups[0] == groups[1] && groups[1] == groups[2];
    let all_uniform_groups = groups.iter().all(|g| g[0] == g[1] && g[1] == g[2]);
    if all_same_group || all_uniform_groups {
        return Err(PmiRule::RepeatedGroup);
    }
    if (0..10u8).any(|digit| d.iter().filter(|&&x| x == digit).count() >= 8) {
        return Err(PmiRule::SameEightDigits);
    }
    if longest_run(&d, 0) >= 5 {
        return Err(PmiRule::DigitRun);
    }
    if longest_run(&d, 1) >= SEQUENTIAL_RUN || longest_run(&d, -1) >= SEQUENTIAL_RUN {
        return Err(PmiRule::SequentialRun);
    }
    Ok(())
}

/// The longest run in which each digit is the previous one plus `step`.
fn longest_run(d: &[u8], step: i8) -> usize {
    let mut best = 1;
    let mut current = 1;
    for pair in d.windows(2) {
        if i16::from(pair[1]) - i16::from(pair[0]) == i16::from(step) {
            current += 1;
            best = best.max(current);
        } else {
            current = 1;
        }
    }
    best
}

/// Drops the separators people type inside numbers; `None` if anything else is left but digits.
fn strip_separators(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '\u{a0}' | '\u{202f}'))
        .collect();
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The name in a personal link (`/my/<name>`): 5–40 characters, starting with a letter, then
/// letters, digits and dots.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VanityName(String);

impl VanityName {
    pub fn new(input: &str) -> Result<Self, Error> {
        let invalid = |reason| Error::InvalidVanityName {
            input: input.to_owned(),
            reason,
        };
        let len = input.chars().count();
        if !(5..=40).contains(&len) {
            return Err(invalid("use 5 to 40 characters"));
        }
        if !input.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(invalid("start with a letter"));
        }
        if !input.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
            return Err(invalid("use only letters, digits and dots"));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VanityName {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        Self::new(&value)
    }
}

impl From<VanityName> for String {
    fn from(name: VanityName) -> String {
        name.0
    }
}

impl fmt::Display for VanityName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_of(input: &str) -> Option<PmiRule> {
        match Pmi::choose(input) {
            Ok(_) => None,
            Err(Error::InvalidPmi { rule, .. }) => Some(rule),
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn accepts_a_good_pmi_in_every_pasted_form() {
        for input in [
            "3542471135",
            "354 247 1135",
            "354-247-1135",
            " 354.247.1135 ",
        ] {
            assert_eq!(
                Pmi::choose(input).map(Pmi::get),
                Ok(3_542_471_135),
                "{input}"
            );
        }
        let pmi = Pmi::parse("https://zoom.us/j/3542471135?pwd=abc").unwrap();
        assert_eq!(pmi.formatted(), "354 247 1135");
    }

    #[test]
    fn refuses_each_rule_with_its_reason() {
        assert_eq!(rule_of("35424711"), Some(PmiRule::Length));
        assert_eq!(rule_of("35424711356"), Some(PmiRule::Length));
        assert_eq!(rule_of("1542471135"), Some(PmiRule::FirstDigit));
        assert_eq!(rule_of("0542471135"), Some(PmiRule::FirstDigit));
        assert_eq!(rule_of("8002471135"), Some(PmiRule::ForbiddenPrefix("800")));
        assert_eq!(rule_of("6601234985"), Some(PmiRule::ForbiddenPrefix("660")));
        assert_eq!(rule_of("7002471135"), Some(PmiRule::ForbiddenPrefix("700")));
        assert_eq!(rule_of("2472472479"), Some(PmiRule::RepeatedGroup));
        assert_eq!(rule_of("2224447771"), Some(PmiRule::RepeatedGroup));
        assert_eq!(rule_of("3323333339"), Some(PmiRule::SameEightDigits));
        assert_eq!(rule_of("3547777713"), Some(PmiRule::DigitRun));
        assert_eq!(rule_of("2345678135"), Some(PmiRule::SequentialRun));
        assert_eq!(rule_of("9876543135"), Some(PmiRule::SequentialRun));
        assert_eq!(rule_of("123456789"), Some(PmiRule::LegacyNotChoosable));
        assert_eq!(rule_of("354a471135"), Some(PmiRule::Length));
    }

    #[test]
    fn near_misses_are_accepted() {
        // Four in a row, a five-digit ascending run, and one repeated pair of groups are fine.
        for ok in ["3547777135", "2345613579", "2472479135", "8012471135"] {
            assert_eq!(rule_of(ok), None, "{ok}");
        }
    }

    #[test]
    fn legacy_nine_digit_pmis_are_readable() {
        let pmi = Pmi::new(123_456_789).unwrap();
        assert!(pmi.is_legacy());
        assert_eq!(pmi.formatted(), "123 456 789");
        assert!(Pmi::parse("123 456 789").unwrap().is_legacy());
    }

    #[test]
    fn errors_name_the_input_and_the_fix() {
        let err = Pmi::choose("800 247 1135").unwrap_err().to_string();
        assert!(
            err.contains("800 247 1135") && err.contains("cannot start with 800"),
            "{err}"
        );
    }

    #[test]
    fn meeting_ids_are_grouped_as_zoom_shows_them() {
        assert_eq!(
            MeetingId::new(123_456_789).unwrap().formatted(),
            "123 456 789"
        );
        assert_eq!(
            MeetingId::new(3_542_471_135).unwrap().formatted(),
            "354 247 1135"
        );
        assert_eq!(
            MeetingId::new(85_746_065_432).unwrap().formatted(),
            "857 4606 5432"
        );
    }

    #[test]
    fn meeting_ids_parse_from_pasted_text_and_links() {
        let id = 85_746_065_432;
        for input in [
            "857 4606 5432",
            "857-4606-5432",
            "85746065432",
            "https://us05web.zoom.us/j/85746065432?pwd=xyz",
            "zoommtg://zoom.us/join?confno=85746065432&pwd=xyz",
        ] {
            assert_eq!(
                MeetingId::parse(input).map(MeetingId::get),
                Ok(id),
                "{input}"
            );
        }
        for bad in [
            "",
            "12345678",
            "123456789012",
            "0123456789",
            "abc",
            "https://zoom.us/x",
        ] {
            assert!(MeetingId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_serialise_as_numbers_and_refuse_bad_ones() {
        let pmi: Pmi = serde_json::from_str("3542471135").unwrap();
        assert_eq!(serde_json::to_string(&pmi).unwrap(), "3542471135");
        assert!(serde_json::from_str::<Pmi>("8002471135").is_err());
        assert!(serde_json::from_str::<MeetingId>("12").is_err());
    }

    #[test]
    fn vanity_names_follow_zoom_rules() {
        assert!(VanityName::new("jane.doe").is_ok());
        assert!(VanityName::new("jdoe").is_err());
        assert!(VanityName::new("1jane").is_err());
        assert!(VanityName::new("jane_doe").is_err());
        assert!(VanityName::new(&"a".repeat(41)).is_err());
    }
}
