//! Schedule checks: two meetings on the PMI that overlap, or follow each other too closely, share
//! one room, and anyone holding the PMI link can walk from one into the other.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::MeetingId;

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
}
