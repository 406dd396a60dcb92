//! What the Schedule dialog asks for, checked field by field in words that say what to fix.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::meeting::{PasscodeRules, Recurrence, RecurrenceEnd, RecurrenceUnit};

/// The Schedule dialog's fields as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ScheduleRequest {
    pub topic: String,
    /// `yyyy-mm-dd`
    pub date: String,
    /// `HH:MM` (24-hour)
    pub time: String,
    pub duration_minutes: u32,
    /// An IANA name, e.g. `Europe/Berlin`.
    pub time_zone: String,
    pub recurrence: Option<Recurrence>,
    /// The Meeting ID section: `true` for "Personal Meeting ID", `false` for "Generate Automatically".
    pub use_pmi: bool,
    /// `None` turns the passcode off; ignored on the PMI, which has its own passcode.
    pub passcode: Option<String>,
    pub waiting_room: bool,
    pub host_video: bool,
    pub participant_video: bool,
}

/// One field the user has to fix, named as the dialog names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// A request that passed every check, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSchedule {
    pub topic: String,
    pub start: DateTime<Utc>,
    pub duration_minutes: u32,
    pub time_zone: String,
    pub recurrence: Option<Recurrence>,
    pub use_pmi: bool,
    pub passcode: Option<String>,
    pub waiting_room: bool,
    pub host_video: bool,
    pub participant_video: bool,
}

pub const TOPIC_MAX_CHARS: usize = 200;
pub const DURATION_MAX_MINUTES: u32 = 1440;

impl ScheduleRequest {
    /// Checks every field and returns all the problems at once, so the dialog can mark them all.
    pub fn validate(
        &self,
        rules: &PasscodeRules,
        now: DateTime<Utc>,
    ) -> Result<ValidSchedule, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut fail = |field: &str, message: String| {
            problems.push(FieldProblem {
                field: field.to_owned(),
                message,
            })
        };
        let topic = self.topic.trim();
        if topic.is_empty() {
            fail("topic", "Enter a topic.".into());
        } else if topic.chars().count() > TOPIC_MAX_CHARS {
            fail(
                "topic",
                format!("Shorten the topic to {TOPIC_MAX_CHARS} characters or fewer."),
            );
        }
        if self.duration_minutes == 0 || self.duration_minutes > DURATION_MAX_MINUTES {
            fail(
                "duration",
                "Choose a duration from 1 minute to 24 hours.".into(),
            );
        }
        let tz: Option<Tz> = self.time_zone.parse().ok();
        if tz.is_none() {
            fail(
                "time_zone",
                format!(
                    "“{}” is not a time zone; pick one from the list.",
                    self.time_zone
                ),
            );
        }
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok();
        if date.is_none() {
            fail("date", "Enter the date as yyyy-mm-dd.".into());
        }
        let time = NaiveTime::parse_from_str(self.time.trim(), "%H:%M").ok();
        if time.is_none() {
            fail("time", "Enter the time as HH:MM.".into());
        }
        let start = match (date, time, tz) {
            (Some(d), Some(t), Some(tz)) => {
                match tz.from_local_datetime(&d.and_time(t)).earliest() {
                    Some(local) => Some(local.with_timezone(&Utc)),
                    None => {
                        fail("time", "That time does not exist on that day (the clocks change); pick another.".into());
                        None
                    }
                }
            }
            _ => None,
        };
        if let Some(start) = start {
            // A minute of grace, so "now" in the dialog is still accepted when saved.
            if start + chrono::Duration::minutes(1) < now {
                fail("time", "Choose a time in the future.".into());
            }
        }
        if let Some(r) = &self.recurrence {
            if r.interval == 0 || r.interval > max_interval(r.every) {
                fail(
                    "recurrence",
                    format!(
                        "Repeat every 1 to {} {}.",
                        max_interval(r.every),
                        unit_name(r.every)
                    ),
                );
            }
            if r.every == RecurrenceUnit::Week
                && (r.weekly_days.is_empty() || r.weekly_days.iter().any(|d| !(1..=7).contains(d)))
            {
                fail("recurrence", "Pick at least one day of the week.".into());
            }
            if r.every == RecurrenceUnit::Month
                && !r.monthly_day.is_some_and(|d| (1..=31).contains(&d))
            {
                fail("recurrence", "Pick a day of the month from 1 to 31.".into());
            }
            match r.end {
                RecurrenceEnd::After(n) if n == 0 || n > 60 => {
                    fail("recurrence", "End after 1 to 60 occurrences.".into())
                }
                RecurrenceEnd::By(end) if start.is_some_and(|s| end <= s) => fail(
                    "recurrence",
                    "The end date must come after the first meeting.".into(),
                ),
                _ => {}
            }
        }
        if self.use_pmi && self.recurrence.is_some() {
            fail(
                "meeting_id",
                "A recurring meeting with a fixed time gets its own ID: choose Generate Automatically.".into(),
            );
        }
        let passcode = if self.use_pmi {
            None
        } else {
            self.passcode.as_deref().map(str::trim).map(str::to_owned)
        };
        if let Some(p) = &passcode {
            if let Err(why) = rules.check(p) {
                fail("passcode", why);
            }
        }
        match (problems.is_empty(), start) {
            (true, Some(start)) => Ok(ValidSchedule {
                topic: topic.to_owned(),
                start,
                duration_minutes: self.duration_minutes,
                time_zone: self.time_zone.clone(),
                recurrence: self.recurrence.clone(),
                use_pmi: self.use_pmi,
                passcode,
                waiting_room: self.waiting_room,
                host_video: self.host_video,
                participant_video: self.participant_video,
            }),
            _ => Err(problems),
        }
    }
}

fn max_interval(unit: RecurrenceUnit) -> u8 {
    match unit {
        RecurrenceUnit::Day => 90,
        RecurrenceUnit::Week => 12,
        RecurrenceUnit::Month => 3,
    }
}

fn unit_name(unit: RecurrenceUnit) -> &'static str {
    match unit {
        RecurrenceUnit::Day => "days",
        RecurrenceUnit::Week => "weeks",
        RecurrenceUnit::Month => "months",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
    }

    fn request() -> ScheduleRequest {
        ScheduleRequest {
            topic: "Weekly 1:1".into(),
            date: "2026-11-27".into(),
            time: "09:30".into(),
            duration_minutes: 30,
            time_zone: "Europe/Berlin".into(),
            recurrence: None,
            use_pmi: true,
            passcode: None,
            waiting_room: true,
            host_video: true,
            participant_video: false,
        }
    }

    fn fields(result: Result<ValidSchedule, Vec<FieldProblem>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_good_request_becomes_a_utc_start() {
        let valid = request()
            .validate(&PasscodeRules::default(), now())
            .unwrap();
        assert_eq!(
            valid.start,
            Utc.with_ymd_and_hms(2026, 11, 27, 8, 30, 0).unwrap()
        );
        assert_eq!(valid.passcode, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once_in_plain_words() {
        let bad = ScheduleRequest {
            topic: "  ".into(),
            date: "27/11/2026".into(),
            time: "9.30".into(),
            duration_minutes: 0,
            time_zone: "Berlin".into(),
            ..request()
        };
        let problems = bad.validate(&PasscodeRules::default(), now()).unwrap_err();
        let names: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(names, ["topic", "duration", "time_zone", "date", "time"]);
        assert_eq!(problems[0].message, "Enter a topic.");
        assert!(problems[2].message.contains("Berlin"));
    }

    #[test]
    fn the_past_and_skipped_clock_times_are_refused() {
        let past = ScheduleRequest {
            date: "2026-11-25".into(),
            ..request()
        };
        assert_eq!(
            fields(past.validate(&PasscodeRules::default(), now())),
            ["time"]
        );
        // 02:30 on the last Sunday of March does not exist in Berlin.
        let gap = ScheduleRequest {
            date: "2027-03-28".into(),
            time: "02:30".into(),
            ..request()
        };
        assert_eq!(
            fields(gap.validate(&PasscodeRules::default(), now())),
            ["time"]
        );
    }

    #[test]
    fn passcodes_follow_the_account_rules_only_off_the_pmi() {
        let rules = PasscodeRules {
            min_length: 6,
            have_number: true,
            ..PasscodeRules::default()
        };
        let own = ScheduleRequest {
            use_pmi: false,
            passcode: Some("abc".into()),
            ..request()
        };
        assert_eq!(fields(own.validate(&rules, now())), ["passcode"]);
        let on_pmi = ScheduleRequest {
            use_pmi: true,
            passcode: Some("abc".into()),
            ..request()
        };
        assert!(
            on_pmi.validate(&rules, now()).is_ok(),
            "the PMI keeps its own passcode"
        );
    }

    #[test]
    fn a_recurring_meeting_cannot_be_held_on_the_pmi() {
        let recurring = ScheduleRequest {
            recurrence: Some(Recurrence {
                every: RecurrenceUnit::Week,
                interval: 1,
                weekly_days: vec![2],
                monthly_day: None,
                end: RecurrenceEnd::After(4),
            }),
            ..request()
        };
        assert_eq!(
            fields(recurring.validate(&PasscodeRules::default(), now())),
            ["meeting_id"]
        );
    }

    #[test]
    fn recurrence_is_checked() {
        let weekly_no_days = ScheduleRequest {
            use_pmi: false,
            recurrence: Some(Recurrence {
                every: RecurrenceUnit::Week,
                interval: 1,
                weekly_days: vec![],
                monthly_day: None,
                end: RecurrenceEnd::After(4),
            }),
            ..request()
        };
        assert_eq!(
            fields(weekly_no_days.validate(&PasscodeRules::default(), now())),
            ["recurrence"]
        );
        let too_many = ScheduleRequest {
            use_pmi: false,
            recurrence: Some(Recurrence {
                every: RecurrenceUnit::Day,
                interval: 1,
                weekly_days: vec![],
                monthly_day: None,
                end: RecurrenceEnd::After(61),
            }),
            ..request()
        };
        assert_eq!(
            fields(too_many.validate(&PasscodeRules::default(), now())),
            ["recurrence"]
        );
    }
}
