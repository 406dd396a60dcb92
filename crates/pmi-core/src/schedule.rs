//! Schedule checks: two meetings on the PMI that overlap, or follow each other too closely, share
//! one room, and anyone holding the PMI link can walk from one into the other.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::ids::MeetingId;
use crate::meeting::{Recurrence, RecurrenceEnd, RecurrenceUnit};

/// How far ahead the occurrences of a recurring meeting are checked.
pub const RECURRENCE_HORIZON_DAYS: i64 = 366;
/// The most occurrences of one meeting that are checked.
const MAX_OCCURRENCES: usize = 400;

/// The starts of a recurring meeting's occurrences, from `first` (the meeting's start) on, up to
/// `until`: on the wall clock of `zone`, so a 10:00 meeting stays at 10:00 across a daylight
/// saving change. Weekly days are Zoom's (1 = Sunday); a monthly day a month lacks is skipped.
pub fn occurrences(
    recurrence: &Recurrence,
    first: DateTime<Utc>,
    zone: Tz,
    until: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let local = first.with_timezone(&zone);
    let time = local.time();
    let first_day = local.date_naive();
    let (limit, until) = match recurrence.end {
        RecurrenceEnd::After(n) => (usize::from(n).min(MAX_OCCURRENCES), until),
        RecurrenceEnd::By(by) => (MAX_OCCURRENCES, until.min(by)),
    };
    let interval = i64::from(recurrence.interval.max(1));
    // A start the clocks skip (spring forward) happens an hour later, as calendars do.
    let at = |day: NaiveDate| {
        let wall = day.and_time(time);
        zone.from_local_datetime(&wall)
            .earliest()
            .or_else(|| {
                zone.from_local_datetime(&(wall + Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
    };
    let mut starts = Vec::new();
    let mut push = |day: NaiveDate| -> bool {
        match at(day) {
            Some(start) if start > until || starts.len() >= limit => false,
            Some(start) => {
                if start >= first {
                    starts.push(start);
                }
                true
            }
            None => true,
        }
    };
    match recurrence.every {
        RecurrenceUnit::Day => {
            for k in 0.. {
                let Some(day) = first_day.checked_add_signed(Duration::days(k * interval)) else {
                    break;
                };
                if !push(day) {
                    break;
                }
            }
        }
        RecurrenceUnit::Week => {
            let mut days: Vec<u32> = recurrence
                .weekly_days
                .iter()
                .filter(|d| (1..=7).contains(*d))
                .map(|d| u32::from(*d) - 1)
                .collect();
            if days.is_empty() {
                days.push(first_day.weekday().num_days_from_sunday());
            }
            days.sort_unstable();
            days.dedup();
            let week_start =
                first_day - Duration::days(i64::from(first_day.weekday().num_days_from_sunday()));
            'weeks: for k in 0.. {
                let Some(sunday) = week_start.checked_add_signed(Duration::weeks(k * interval))
                else {
                    break;
                };
                for d in &days {
                    let day = sunday + Duration::days(i64::from(*d));
                    if day < first_day {
                        continue;
                    }
                    if !push(day) {
                        break 'weeks;
                    }
                }
            }
        }
        RecurrenceUnit::Month => {
            let wanted = recurrence.monthly_day.map_or(first_day.day(), u32::from);
            let months = i64::from(first_day.year()) * 12 + i64::from(first_day.month0());
            for k in 0..(MAX_OCCURRENCES as i64 * interval) {
                let m = months + k * interval;
                let (Ok(year), Ok(month0)) = (i32::try_from(m / 12), u32::try_from(m % 12)) else {
                    break;
                };
                let day = match recurrence.monthly_weekday {
                    Some(weekday) => weekday.in_month(year, month0 + 1),
                    None => NaiveDate::from_ymd_opt(year, month0 + 1, wanted),
                };
                let Some(day) = day else {
                    continue;
                };
                if day < first_day {
                    continue;
                }
                if !push(day) {
                    break;
                }
            }
        }
    }
    starts
}

/// A meeting's occurrences as slots: one for a meeting that does not repeat, one per occurrence
/// (up to `until`) for one that does.
pub fn occurrence_slots(
    slot: &PmiSlot,
    recurrence: Option<&Recurrence>,
    zone: Tz,
    until: DateTime<Utc>,
) -> Vec<PmiSlot> {
    match recurrence {
        None => vec![slot.clone()],
        Some(r) => occurrences(r, slot.start, zone, until)
            .into_iter()
            .map(|start| PmiSlot {
                start,
                ..slot.clone()
            })
            .collect(),
    }
}

/// A meeting as far as the schedule check needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PmiSlot {
    /// `None` for a meeting not yet created.
    pub meeting_id: Option<MeetingId>,
    pub topic: String,
    pub start: DateTime<Utc>,
    pub duration_minutes: u32,
    pub on_pmi: bool,
}

impl PmiSlot {
    fn end(&self) -> DateTime<Utc> {
        self.start + Duration::minutes(i64::from(self.duration_minutes))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleWarningKind {
    /// Both meetings are in the personal room at the same time.
    Overlap,
    /// One starts within the configured gap after the other ends.
    BackToBack,
}

/// A warning naming both meetings; the user may still save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleWarning {
    pub kind: ScheduleWarningKind,
    pub meeting_topic: String,
    pub other_topic: String,
    pub other_meeting_id: Option<MeetingId>,
    pub other_start: DateTime<Utc>,
    /// Minutes between the end of the earlier meeting and the start of the later one (0 or more);
    /// for an overlap, how many minutes they share.
    pub minutes: i64,
}

impl ScheduleWarning {
    /// The warning in words, naming both meetings and what to do about it.
    pub fn message(&self) -> String {
        match self.kind {
            ScheduleWarningKind::Overlap => format!(
                "“{}” overlaps “{}” by {} min on your Personal Meeting ID: anyone with the PMI link can \
                 walk into either. Choose Generate Automatically to give it its own ID.",
                self.meeting_topic, self.other_topic, self.minutes
            ),
            ScheduleWarningKind::BackToBack => format!(
                "“{}” runs back-to-back with “{}” ({} min apart) on your Personal Meeting ID: guests of \
                 one can walk into the other. Choose Generate Automatically to give it its own ID.",
                self.meeting_topic, self.other_topic, self.minutes
            ),
        }
    }
}

/// Checks `candidate` against `others` when it is on the PMI. Meetings off the PMI never conflict;
/// a meeting is not checked against itself (same ID), so editing one does not warn about its old
/// time. `gap` is how close counts as back-to-back.
pub fn check_pmi_schedule(
    candidate: &PmiSlot,
    others: &[PmiSlot],
    gap: Duration,
) -> Vec<ScheduleWarning> {
    if !candidate.on_pmi {
        return Vec::new();
    }
    let mut warnings: Vec<ScheduleWarning> = others
        .iter()
        .filter(|other| other.on_pmi)
        .filter(|other| candidate.meeting_id.is_none() || other.meeting_id != candidate.meeting_id)
        .filter_map(|other| {
            let shared = candidate.end().min(other.end()) - candidate.start.max(other.start);
            let (kind, minutes) = if shared > Duration::zero() {
                (ScheduleWarningKind::Overlap, shared.num_minutes())
            } else {
                let apart = -shared;
                if apart > gap {
                    return None;
                }
                (ScheduleWarningKind::BackToBack, apart.num_minutes())
            };
            Some(ScheduleWarning {
                kind,
                meeting_topic: candidate.topic.clone(),
                other_topic: other.topic.clone(),
                other_meeting_id: other.meeting_id,
                other_start: other.start,
                minutes,
            })
        })
        .collect();
    warnings.sort_by_key(|w| w.other_start);
    warnings
}

/// `check_pmi_schedule` for every occurrence of `candidate` against every occurrence of the
/// others: the first clash with each other meeting, in time order.
pub fn check_pmi_occurrences(
    candidate: &[PmiSlot],
    others: &[PmiSlot],
    gap: Duration,
) -> Vec<ScheduleWarning> {
    let mut warnings: Vec<ScheduleWarning> = Vec::new();
    for occurrence in candidate {
        for warning in check_pmi_schedule(occurrence, others, gap) {
            let seen = warnings.iter_mut().find(|w| {
                w.other_meeting_id == warning.other_meeting_id
                    && w.other_topic == warning.other_topic
            });
            match seen {
                Some(earlier) if earlier.other_start <= warning.other_start => {}
                Some(later) => *later = warning,
                None => warnings.push(warning),
            }
        }
    }
    warnings.sort_by_key(|w| w.other_start);
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    use crate::MonthlyWeekday;

    fn slot(
        topic: &str,
        id: Option<u64>,
        hour: u32,
        minute: u32,
        minutes: u32,
        on_pmi: bool,
    ) -> PmiSlot {
        PmiSlot {
            meeting_id: id.map(|n| MeetingId::new(n).unwrap()),
            topic: topic.into(),
            start: Utc.with_ymd_and_hms(2026, 12, 1, hour, minute, 0).unwrap(),
            duration_minutes: minutes,
            on_pmi,
        }
    }

    const GAP: i64 = 15;

    #[test]
    fn overlapping_pmi_meetings_warn_with_both_named() {
        let existing = [slot("Design review", Some(85_746_065_432), 10, 0, 60, true)];
        let candidate = slot("1:1 with Sam", None, 10, 30, 30, true);
        let warnings = check_pmi_schedule(&candidate, &existing, Duration::minutes(GAP));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].kind, ScheduleWarningKind::Overlap);
        assert_eq!(warnings[0].minutes, 30);
        let message = warnings[0].message();
        assert!(
            message.contains("1:1 with Sam") && message.contains("Design review"),
            "{message}"
        );
        assert!(message.contains("Generate Automatically"));
    }

    #[test]
    fn back_to_back_within_the_gap_warns_either_way_round() {
        let existing = [slot("Design review", Some(85_746_065_432), 10, 0, 60, true)];
        let after = slot("After", None, 11, 10, 30, true);
        let before = slot("Before", None, 9, 0, 55, true);
        for candidate in [after, before] {
            let warnings = check_pmi_schedule(&candidate, &existing, Duration::minutes(GAP));
            assert_eq!(warnings.len(), 1, "{}", candidate.topic);
            assert_eq!(warnings[0].kind, ScheduleWarningKind::BackToBack);
        }
        let touching = slot("Touching", None, 11, 0, 30, true);
        let warnings = check_pmi_schedule(&touching, &existing, Duration::minutes(GAP));
        assert_eq!(warnings[0].kind, ScheduleWarningKind::BackToBack);
        assert_eq!(warnings[0].minutes, 0);
    }

    #[test]
    fn no_warning_past_the_gap_off_the_pmi_or_against_itself() {
        let existing = [
            slot("Design review", Some(85_746_065_432), 10, 0, 60, true),
            slot("Own ID", Some(85_746_065_433), 11, 0, 60, false),
        ];
        let later = slot("Later", None, 11, 16, 30, true);
        assert!(check_pmi_schedule(&later, &existing, Duration::minutes(GAP)).is_empty());
        let off_pmi = slot("Off", None, 10, 0, 60, false);
        assert!(check_pmi_schedule(&off_pmi, &existing, Duration::minutes(GAP)).is_empty());
        let moved = slot("Design review", Some(85_746_065_432), 10, 15, 60, true);
        assert!(check_pmi_schedule(&moved, &existing, Duration::minutes(GAP)).is_empty());
    }

    #[test]
    fn warnings_come_in_time_order() {
        let existing = [
            slot("Late", Some(85_746_065_434), 12, 0, 30, true),
            slot("Early", Some(85_746_065_432), 10, 0, 30, true),
        ];
        let long = slot("Long", None, 9, 45, 180, true);
        let topics: Vec<_> = check_pmi_schedule(&long, &existing, Duration::minutes(GAP))
            .into_iter()
            .map(|w| w.other_topic)
            .collect();
        assert_eq!(topics, ["Early", "Late"]);
    }

    fn weekly(days: Vec<u8>, end: RecurrenceEnd) -> Recurrence {
        Recurrence {
            every: RecurrenceUnit::Week,
            interval: 1,
            weekly_days: days,
            monthly_day: None,
            monthly_weekday: None,
            end,
        }
    }

    #[test]
    fn weekly_occurrences_keep_the_local_time_across_daylight_saving() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // Thursday 2026-10-22 10:00 in Berlin (summer time), every Thursday, 3 times.
        let first = berlin
            .with_ymd_and_hms(2026, 10, 22, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let starts = occurrences(
            &weekly(vec![5], RecurrenceEnd::After(3)),
            first,
            berlin,
            first + Duration::days(RECURRENCE_HORIZON_DAYS),
        );
        let local: Vec<String> = starts
            .iter()
            .map(|s| {
                s.with_timezone(&berlin)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .collect();
        assert_eq!(
            local,
            ["2026-10-22 10:00", "2026-10-29 10:00", "2026-11-05 10:00"]
        );
        // The UTC hour moved with the clocks.
        assert_eq!(starts[0].format("%H").to_string(), "08");
        assert_eq!(starts[1].format("%H").to_string(), "09");
    }

    #[test]
    fn daily_monthly_and_end_by_dates() {
        let utc: Tz = "UTC".parse().unwrap();
        let first = Utc.with_ymd_and_hms(2027, 1, 31, 9, 0, 0).unwrap();
        let monthly = Recurrence {
            every: RecurrenceUnit::Month,
            interval: 1,
            weekly_days: vec![],
            monthly_day: Some(31),
            monthly_weekday: None,
            end: RecurrenceEnd::After(3),
        };
        let months: Vec<u32> = occurrences(&monthly, first, utc, first + Duration::days(400))
            .iter()
            .map(|s| s.month())
            .collect();
        assert_eq!(months, [1, 3, 5], "months without a 31st are skipped");
        let daily = Recurrence {
            every: RecurrenceUnit::Day,
            interval: 2,
            weekly_days: vec![],
            monthly_day: None,
            monthly_weekday: None,
            end: RecurrenceEnd::By(first + Duration::days(5)),
        };
        assert_eq!(
            occurrences(&daily, first, utc, first + Duration::days(400)).len(),
            3
        );
        // Nothing past the horizon, whatever the end says.
        let endless = weekly(vec![1, 2, 3, 4, 5, 6, 7], RecurrenceEnd::After(60));
        assert_eq!(
            occurrences(&endless, first, utc, first + Duration::days(10)).len(),
            11
        );
    }

    #[test]
    fn monthly_on_a_weekday_of_the_month() {
        let utc: Tz = "UTC".parse().unwrap();
        // 2027-01-12 is the second Tuesday of January.
        let first = Utc.with_ymd_and_hms(2027, 1, 12, 9, 0, 0).unwrap();
        let on = |week, day, end| Recurrence {
            every: RecurrenceUnit::Month,
            interval: 1,
            weekly_days: vec![],
            monthly_day: None,
            monthly_weekday: Some(MonthlyWeekday { week, day }),
            end: RecurrenceEnd::After(end),
        };
        let days = |r: &Recurrence| -> Vec<String> {
            occurrences(r, first, utc, first + Duration::days(400))
                .iter()
                .map(|s| s.format("%m-%d").to_string())
                .collect()
        };
        assert_eq!(days(&on(2, 3, 4)), ["01-12", "02-09", "03-09", "04-13"]);
        // The last Friday: the fifth when a month has one (April 2027), else the fourth.
        assert_eq!(days(&on(-1, 6, 4)), ["01-29", "02-26", "03-26", "04-30"]);
        // The first Sunday of January 2027 (the 3rd) comes before the first meeting.
        assert_eq!(days(&on(1, 1, 2)), ["02-07", "03-07"]);
        assert_eq!(MonthlyWeekday { week: 5, day: 3 }.in_month(2027, 3), None);
        assert_eq!(MonthlyWeekday { week: 1, day: 8 }.in_month(2027, 3), None);
    }

    #[test]
    fn a_clash_with_a_later_occurrence_of_a_recurring_pmi_meeting_warns() {
        let utc: Tz = "UTC".parse().unwrap();
        // Weekly on Tuesdays from 2026-12-01 (a Tuesday), 10:00 for an hour.
        let series = slot("Weekly review", Some(85_746_065_432), 10, 0, 60, true);
        let recurrence = weekly(vec![3], RecurrenceEnd::After(10));
        let until = series.start + Duration::days(RECURRENCE_HORIZON_DAYS);
        let others = occurrence_slots(&series, Some(&recurrence), utc, until);
        assert_eq!(others.len(), 10);
        // A one-off three weeks later, at 11:05: back-to-back with that week's occurrence.
        let later = PmiSlot {
            start: Utc.with_ymd_and_hms(2026, 12, 22, 11, 5, 0).unwrap(),
            ..slot("Budget", None, 0, 0, 30, true)
        };
        let warnings = check_pmi_occurrences(&[later], &others, Duration::minutes(GAP));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].kind, ScheduleWarningKind::BackToBack);
        assert_eq!(
            warnings[0].other_start,
            Utc.with_ymd_and_hms(2026, 12, 22, 10, 0, 0).unwrap()
        );
        // Against the first occurrence only (what the check used to see), nothing.
        let first_only = check_pmi_schedule(
            &PmiSlot {
                start: Utc.with_ymd_and_hms(2026, 12, 22, 11, 5, 0).unwrap(),
                ..slot("Budget", None, 0, 0, 30, true)
            },
            &[series],
            Duration::minutes(GAP),
        );
        assert!(first_only.is_empty());
    }
}
