//! What the Schedule dialog asks for, checked field by field in words that say what to fix.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::account::Meeting;
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
        self.validate_against(rules, now, None)
    }

    /// The checks for an edit of `current`: a rule about a value the user did not change is not
    /// applied to it, so a meeting under way, a passcode from before the account's rules
    /// tightened, or a recurring PMI meeting made elsewhere can still be renamed.
    pub fn validate_edit(
        &self,
        rules: &PasscodeRules,
        now: DateTime<Utc>,
        current: &Meeting,
    ) -> Result<ValidSchedule, Vec<FieldProblem>> {
        self.validate_against(rules, now, Some(current))
    }

    fn validate_against(
        &self,
        rules: &PasscodeRules,
        now: DateTime<Utc>,
        current: Option<&Meeting>,
    ) -> Result<ValidSchedule, Vec<FieldProblem>> {
        let recurrence_kept = current.is_some_and(|c| c.recurrence == self.recurrence);
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
        let start_kept = current.is_some_and(|c| c.start.is_some() && c.start == start);
        if let (Some(start), false) = (start, start_kept) {
            // A minute of grace, so "now" in the dialog is still accepted when saved.
            if start + chrono::Duration::minutes(1) < now {
                fail("time", "Choose a time in the future.".into());
            }
        }
        if let (Some(r), false) = (&self.recurrence, recurrence_kept) {
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
            if r.every == RecurrenceUnit::Month {
                match (r.monthly_day, r.monthly_weekday) {
                    (Some(d), None) if (1..=31).contains(&d) => {}
                    (None, Some(w)) if w.is_valid() => {}
                    (None, Some(_)) => fail(
                        "recurrence",
                        "Pick the first to fourth or the last of a day of the week.".into(),
                    ),
                    _ => fail("recurrence", "Pick a day of the month from 1 to 31.".into()),
                }
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
        let pmi_kept = current.is_some_and(|c| c.on_pmi == self.use_pmi) && recurrence_kept;
        if self.use_pmi && self.recurrence.is_some() && !pmi_kept {
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
        let passcode_kept = current.is_some_and(|c| !c.on_pmi && c.passcode == passcode);
        if let (Some(p), false) = (&passcode, passcode_kept) {
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

/// What Save writes to a meeting being edited: only the fields that differ from the meeting as
/// it is, so nothing the user did not touch is written. (Writing the passcode again, say, gives
/// every guest a link that no longer works.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleChanges {
    pub topic: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub duration_minutes: Option<u32>,
    pub time_zone: Option<String>,
    /// `Some(None)`: it no longer repeats.
    pub recurrence: Option<Option<Recurrence>>,
    pub use_pmi: Option<bool>,
    /// `Some(None)`: the passcode is turned off.
    pub passcode: Option<Option<String>>,
    pub waiting_room: Option<bool>,
    pub host_video: Option<bool>,
    pub participant_video: Option<bool>,
}

impl ScheduleChanges {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `Some(new)` when it differs from what is there.
fn changed<T: PartialEq>(new: T, current: &T) -> Option<T> {
    (new != *current).then_some(new)
}

impl ValidSchedule {
    /// The changes from `current`, the meeting as the service has it now.
    pub fn changes_from(&self, current: &Meeting) -> ScheduleChanges {
        let passcode = if self.use_pmi {
            // On the PMI the personal room's own passcode applies.
            None
        } else if current.on_pmi {
            // Off the PMI, the meeting needs its own, whatever the PMI's was.
            Some(self.passcode.clone())
        } else {
            changed(self.passcode.clone(), &current.passcode)
        };
        let start = changed(Some(self.start), &current.start).flatten();
        // A meeting without a zone of its own was shown in the user's: not a change by itself.
        let time_zone = match &current.time_zone {
            Some(_) => changed(Some(self.time_zone.clone()), &current.time_zone).flatten(),
            None => start.map(|_| self.time_zone.clone()),
        };
        ScheduleChanges {
            topic: changed(self.topic.clone(), &current.topic),
            start,
            duration_minutes: changed(Some(self.duration_minutes), &current.duration_minutes)
                .flatten(),
            time_zone,
            recurrence: changed(self.recurrence.clone(), &current.recurrence),
            use_pmi: changed(self.use_pmi, &current.on_pmi),
            passcode,
            waiting_room: changed(self.waiting_room, &current.waiting_room),
            host_video: changed(self.host_video, &current.host_video),
            participant_video: changed(self.participant_video, &current.participant_video),
        }
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
                monthly_weekday: None,
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
                monthly_weekday: None,
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
                monthly_weekday: None,
                end: RecurrenceEnd::After(61),
            }),
            ..request()
        };
        assert_eq!(
            fields(too_many.validate(&PasscodeRules::default(), now())),
            ["recurrence"]
        );
        let monthly = |monthly_day, monthly_weekday| ScheduleRequest {
            use_pmi: false,
            recurrence: Some(Recurrence {
                every: RecurrenceUnit::Month,
                interval: 1,
                weekly_days: vec![],
                monthly_day,
                monthly_weekday,
                end: RecurrenceEnd::After(4),
            }),
            ..request()
        };
        let weekday = |week, day| Some(crate::MonthlyWeekday { week, day });
        let problems = |r: ScheduleRequest| -> Vec<String> {
            r.validate(&PasscodeRules::default(), now())
                .map_or_else(|p| p.into_iter().map(|f| f.field).collect(), |_| Vec::new())
        };
        assert!(problems(monthly(Some(12), None)).is_empty());
        assert!(problems(monthly(None, weekday(2, 3))).is_empty());
        assert!(problems(monthly(None, weekday(-1, 6))).is_empty());
        assert_eq!(problems(monthly(None, weekday(5, 3))), ["recurrence"]);
        assert_eq!(problems(monthly(None, weekday(1, 0))), ["recurrence"]);
        assert_eq!(problems(monthly(None, None)), ["recurrence"]);
        assert_eq!(problems(monthly(Some(12), weekday(2, 3))), ["recurrence"]);
    }

    fn current_meeting() -> Meeting {
        Meeting {
            kind: crate::MeetingKind::RecurringFixedTime,
            topic: "Weekly".into(),
            time_zone: Some("Europe/Berlin".into()),
            passcode: Some("abc123".into()),
            waiting_room: true,
            participant_video: true,
            recurrence: Some(Recurrence {
                every: RecurrenceUnit::Week,
                interval: 1,
                weekly_days: vec![4],
                monthly_day: None,
                monthly_weekday: None,
                end: RecurrenceEnd::After(7),
            }),
            ..Meeting::sample(Utc.with_ymd_and_hms(2030, 1, 2, 9, 0, 0).unwrap(), 30)
        }
    }

    fn as_it_is(m: &Meeting) -> ValidSchedule {
        ValidSchedule {
            topic: m.topic.clone(),
            start: m.start.unwrap(),
            duration_minutes: m.duration_minutes.unwrap(),
            time_zone: m.time_zone.clone().unwrap(),
            recurrence: m.recurrence.clone(),
            use_pmi: m.on_pmi,
            passcode: m.passcode.clone(),
            waiting_room: m.waiting_room,
            host_video: m.host_video,
            participant_video: m.participant_video,
        }
    }

    #[test]
    fn an_edit_of_the_topic_changes_only_the_topic() {
        let current = current_meeting();
        assert!(as_it_is(&current).changes_from(&current).is_empty());
        let edited = ValidSchedule {
            topic: "Weekly sync".into(),
            ..as_it_is(&current)
        };
        assert_eq!(
            edited.changes_from(&current),
            ScheduleChanges {
                topic: Some("Weekly sync".into()),
                ..ScheduleChanges::default()
            }
        );
    }

    #[test]
    fn each_field_is_a_change_of_its_own() {
        let current = current_meeting();
        let base = as_it_is(&current);
        let off = ValidSchedule {
            passcode: None,
            recurrence: None,
            waiting_room: false,
            ..base.clone()
        }
        .changes_from(&current);
        assert_eq!(off.passcode, Some(None));
        assert_eq!(off.recurrence, Some(None));
        assert_eq!(off.waiting_room, Some(false));
        assert_eq!(off.topic, None);
        // Onto the PMI: its own passcode applies, so none is sent.
        let on_pmi = ValidSchedule {
            use_pmi: true,
            passcode: Some("other1".into()),
            ..base.clone()
        }
        .changes_from(&current);
        assert_eq!(on_pmi.use_pmi, Some(true));
        assert_eq!(on_pmi.passcode, None);
        // Off the PMI: the meeting's own passcode is sent even if it reads the same.
        let was_on_pmi = Meeting {
            on_pmi: true,
            ..current.clone()
        };
        assert_eq!(
            base.changes_from(&was_on_pmi).passcode,
            Some(Some("abc123".into()))
        );
    }

    #[test]
    fn an_edit_is_not_refused_for_what_it_leaves_as_it_was() {
        let current = current_meeting();
        // The meeting is under way (its start has passed) and its passcode predates stricter
        // rules: renaming it is still fine; moving it into the past is not.
        let strict = PasscodeRules {
            min_length: 8,
            ..PasscodeRules::default()
        };
        let later = current.start.unwrap() + chrono::Duration::minutes(10);
        let local = current
            .start
            .unwrap()
            .with_timezone(&"Europe/Berlin".parse::<Tz>().unwrap());
        let request = ScheduleRequest {
            topic: "Renamed".into(),
            date: local.format("%Y-%m-%d").to_string(),
            time: local.format("%H:%M").to_string(),
            duration_minutes: 30,
            time_zone: "Europe/Berlin".into(),
            recurrence: current.recurrence.clone(),
            use_pmi: false,
            passcode: current.passcode.clone(),
            waiting_room: current.waiting_room,
            host_video: current.host_video,
            participant_video: current.participant_video,
        };
        let edited = request.validate_edit(&strict, later, &current).unwrap();
        assert_eq!(
            edited.changes_from(&current).topic.as_deref(),
            Some("Renamed")
        );
        assert!(
            request.validate(&strict, later).is_err(),
            "a new meeting is held to every rule"
        );
        let mut new_passcode = request.clone();
        new_passcode.passcode = Some("short1".into());
        let problems = new_passcode
            .validate_edit(&strict, later, &current)
            .unwrap_err();
        assert_eq!(problems[0].field, "passcode");
    }
}
