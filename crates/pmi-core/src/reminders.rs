//! Which reminders are due: N minutes before each upcoming meeting, once per meeting and start,
//! saying when a PMI meeting follows another on the same ID. Pure: the app's loop gives the
//! time, the meetings and what was shown, and shows what this returns.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

/// A reminder is still worth showing this long after the start (say, the machine woke late).
pub const LATE_GRACE: Duration = Duration::minutes(1);

/// An upcoming meeting as reminders see it: a recurring one at the occurrence Zoom lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub id: u64,
    pub topic: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub on_pmi: bool,
    /// "857 4606 5432"
    pub join_number: String,
}

/// One reminder to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The meeting and its start: another occurrence is another reminder.
    pub key: String,
    pub meeting_id: u64,
    pub on_pmi: bool,
    pub summary: String,
    pub body: String,
}

impl Upcoming {
    fn key(&self) -> String {
        format!("{}@{}", self.id, self.start.timestamp())
    }
}

/// The reminders due at `now`, `minutes` ahead, leaving out those in `shown`. A PMI meeting
/// that starts within `gap` of the end of another PMI meeting says so: people from the first
/// may still be in the room. `clock` writes a time as the user reads it ("09:30").
pub fn due(
    meetings: &[Upcoming],
    now: DateTime<Utc>,
    minutes: u32,
    gap: Duration,
    shown: &[String],
    clock: impl Fn(DateTime<Utc>) -> String,
) -> Vec<Reminder> {
    let ahead = Duration::minutes(i64::from(minutes));
    meetings
        .iter()
        .filter(|m| now >= m.start - ahead && now < m.start + LATE_GRACE)
        .filter(|m| !shown.contains(&m.key()))
        .map(|m| {
            let at = clock(m.start);
            let mut body = if m.on_pmi {
                format!("Starts at {at} on your Personal Meeting ID")
            } else {
                format!("Starts at {at} · Meeting ID {}", m.join_number)
            };
            if m.on_pmi {
                let before = meetings
                    .iter()
                    .filter(|o| o.on_pmi && o.id != m.id)
                    .find(|o| o.start < m.start && o.end + gap > m.start);
                if let Some(o) = before {
                    body.push_str(&format!(
                        ", right after “{}” (ends {}) on the same ID: people from it may still be in the room",
                        o.topic,
                        clock(o.end)
                    ));
                }
            }
            let minutes_left = (m.start - now).num_minutes().max(0);
            let summary = if now >= m.start {
                format!("{} has started", m.topic)
            } else if minutes_left == 0 {
                format!("{} starts now", m.topic)
            } else {
                format!("{} in {minutes_left} min", m.topic)
            };
            Reminder {
                key: m.key(),
                meeting_id: m.id,
                on_pmi: m.on_pmi,
                summary,
                body,
            }
        })
        .collect()
}

/// When to look again: the next reminder's moment, or `longest` at most.
pub fn next_look(
    meetings: &[Upcoming],
    now: DateTime<Utc>,
    minutes: u32,
    longest: StdDuration,
) -> StdDuration {
    let ahead = Duration::minutes(i64::from(minutes));
    meetings
        .iter()
        .map(|m| m.start - ahead)
        .filter(|at| *at > now)
        .min()
        .and_then(|at| (at - now).to_std().ok())
        .map_or(longest, |d| d.min(longest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn meeting(id: u64, topic: &str, start: DateTime<Utc>, minutes: i64, on_pmi: bool) -> Upcoming {
        Upcoming {
            id,
            topic: topic.into(),
            start,
            end: start + Duration::minutes(minutes),
            on_pmi,
            join_number: "857 4606 5432".into(),
        }
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, 2, h, m, 0).unwrap()
    }

    fn hhmm(t: DateTime<Utc>) -> String {
        t.format("%H:%M").to_string()
    }

    const GAP: Duration = Duration::minutes(15);

    #[test]
    fn a_reminder_comes_n_minutes_before_and_only_once() {
        let meetings = [meeting(1, "Plan", at(10, 0), 30, false)];
        assert!(
            due(&meetings, at(9, 54), 5, GAP, &[], hhmm).is_empty(),
            "too early"
        );
        let first = due(&meetings, at(9, 55), 5, GAP, &[], hhmm);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].summary, "Plan in 5 min");
        assert_eq!(first[0].body, "Starts at 10:00 · Meeting ID 857 4606 5432");
        let shown = vec![first[0].key.clone()];
        assert!(
            due(&meetings, at(9, 57), 5, GAP, &shown, hhmm).is_empty(),
            "never twice"
        );
        // The clock set back and forward again: still once.
        assert!(due(&meetings, at(9, 56), 5, GAP, &shown, hhmm).is_empty());
        // The next occurrence (listed with its own start) is another reminder.
        let next = [meeting(1, "Plan", at(10, 0) + Duration::days(7), 30, false)];
        let later = at(9, 55) + Duration::days(7);
        assert_eq!(due(&next, later, 5, GAP, &shown, hhmm).len(), 1);
    }

    #[test]
    fn a_machine_that_slept_is_reminded_on_waking_while_it_is_still_useful() {
        let meetings = [meeting(1, "Plan", at(10, 0), 30, false)];
        let late = due(
            &meetings,
            at(10, 0) + Duration::seconds(30),
            5,
            GAP,
            &[],
            hhmm,
        );
        assert_eq!(late[0].summary, "Plan has started");
        assert!(
            due(&meetings, at(10, 2), 5, GAP, &[], hhmm).is_empty(),
            "too late to help"
        );
    }

    #[test]
    fn a_pmi_meeting_right_after_another_says_so() {
        let meetings = [
            meeting(1, "Design review", at(9, 0), 60, true),
            meeting(2, "1:1", at(10, 10), 30, true),
            meeting(3, "Elsewhere", at(10, 10), 30, false),
        ];
        let reminders = due(&meetings, at(10, 6), 5, GAP, &[], hhmm);
        let pmi = reminders.iter().find(|r| r.meeting_id == 2).unwrap();
        assert!(pmi.on_pmi);
        assert!(
            pmi.body
                .starts_with("Starts at 10:10 on your Personal Meeting ID"),
            "{}",
            pmi.body
        );
        assert!(
            pmi.body
                .contains("right after “Design review” (ends 10:00)"),
            "{}",
            pmi.body
        );
        let other = reminders.iter().find(|r| r.meeting_id == 3).unwrap();
        assert!(!other.body.contains("right after"), "{}", other.body);
        let far = due(&meetings, at(10, 6), 5, Duration::minutes(5), &[], hhmm);
        assert!(!far.iter().any(|r| r.body.contains("right after")));
    }

    #[test]
    fn the_loop_looks_again_at_the_next_reminder_or_at_the_longest_nap() {
        let nap = StdDuration::from_secs(30);
        let meetings = [meeting(1, "Plan", at(10, 0), 30, false)];
        assert_eq!(
            next_look(&meetings, at(9, 54) + Duration::seconds(50), 5, nap),
            StdDuration::from_secs(10)
        );
        assert_eq!(next_look(&meetings, at(8, 0), 5, nap), nap);
        assert_eq!(next_look(&[], at(8, 0), 5, nap), nap);
    }
}
