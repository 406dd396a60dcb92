//! The account as the app sees it: the user's profile, PMI settings and meetings. The API crate
//! converts Zoom's JSON into these once, at the edge.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{MeetingId, Pmi};
use crate::links::JoinLink;
use crate::meeting::{MeetingKind, MeetingOptions, PasscodeRules, Recurrence};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub user_id: String,
    pub account_id: String,
    pub display_name: String,
    pub email: String,
    /// `None` when the account has no usable PMI.
    pub pmi: Option<Pmi>,
    /// The PMI's join link (`/j/<pmi>`), as Zoom fills `personal_meeting_url`.
    pub personal_meeting_url: Option<String>,
    /// The personal link (`/my/<name>`), when the user has a personal link name.
    pub vanity_url: Option<String>,
    pub time_zone: String,
}

impl Profile {
    /// The link to share for the personal room: the `/my/<name>` personal link when there is
    /// one, else the PMI's join link.
    pub fn personal_link(&self) -> Option<&str> {
        self.vanity_url
            .as_deref()
            .or(self.personal_meeting_url.as_deref())
    }
}

/// When the personal room asks for a passcode (`require_password_for_pmi_meetings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PmiPasscodeRequirement {
    All,
    JbhOnly,
    None,
}

/// The account settings a PMI app reads and writes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PmiSettings {
    /// "Enable Personal Meeting ID": without it the user has no usable PMI.
    pub personal_meeting: bool,
    pub use_pmi_for_instant_meetings: bool,
    pub use_pmi_for_scheduled_meetings: bool,
    pub pmi_passcode: Option<String>,
    pub pmi_passcode_requirement: PmiPasscodeRequirement,
    pub embed_passcode_in_join_link: bool,
    pub waiting_room: bool,
    pub host_video: bool,
    pub participants_video: bool,
    pub join_before_host: bool,
    /// New scheduled meetings get a passcode (`require_password_for_scheduling_new_meetings`).
    pub passcode_for_new_meetings: bool,
    pub passcode_rules: PasscodeRules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Waiting,
    Started,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub kind: MeetingKind,
    pub topic: String,
    pub agenda: String,
    pub start: Option<DateTime<Utc>>,
    pub duration_minutes: Option<u32>,
    pub time_zone: Option<String>,
    pub join_link: JoinLink,
    /// Starts the meeting as host in a browser; expires two hours after it was read.
    pub start_url: Option<String>,
    pub passcode: Option<String>,
    /// Held in the personal room: the PMI is its join number and `omn` marks this session.
    pub on_pmi: bool,
    pub waiting_room: bool,
    pub host_video: bool,
    pub participant_video: bool,
    /// Join before host, mute upon entry, audio, authenticated users only; defaults for a
    /// listed meeting, whose settings Zoom's lists leave out.
    pub options: MeetingOptions,
    pub status: MeetingStatus,
    pub created_at: Option<DateTime<Utc>>,
    /// How a recurring meeting repeats; `None` for one that does not (or a listed one, whose
    /// recurrence Zoom's lists leave out).
    pub recurrence: Option<Recurrence>,
}

impl Meeting {
    /// The number participants type to join: the PMI for meetings held on it.
    pub fn join_number(&self) -> MeetingId {
        self.join_link.meeting_id()
    }

    pub fn end(&self) -> Option<DateTime<Utc>> {
        Some(self.start? + chrono::Duration::minutes(i64::from(self.duration_minutes?)))
    }
}

crate::debug_hiding!(PmiSettings, hide [pmi_passcode], show [
    personal_meeting, use_pmi_for_instant_meetings, use_pmi_for_scheduled_meetings,
    pmi_passcode_requirement, embed_passcode_in_join_link, waiting_room, host_video,
    participants_video, join_before_host, passcode_for_new_meetings, passcode_rules,
]);

crate::debug_hiding!(Meeting, hide [join_link, start_url, passcode], show [
    id, kind, topic, agenda, start, duration_minutes, time_zone, on_pmi, waiting_room,
    host_video, participant_video, options, status, created_at, recurrence,
]);

#[cfg(test)]
impl Meeting {
    /// A one-off scheduled meeting for tests: 85 746 065 432, nothing set; change what a test
    /// needs with struct update syntax.
    pub(crate) fn sample(start: DateTime<Utc>, duration_minutes: u32) -> Self {
        let id = MeetingId::new(85_746_065_432).unwrap();
        Meeting {
            id,
            kind: MeetingKind::Scheduled,
            topic: "Plan".into(),
            agenda: String::new(),
            start: Some(start),
            duration_minutes: Some(duration_minutes),
            time_zone: None,
            join_link: JoinLink::new("https://zoom.us", id).unwrap(),
            start_url: None,
            passcode: None,
            on_pmi: false,
            waiting_room: false,
            host_video: false,
            participant_video: false,
            options: MeetingOptions::default(),
            status: MeetingStatus::Waiting,
            created_at: None,
            recurrence: None,
        }
    }
}
