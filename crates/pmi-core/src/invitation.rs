//! The invitation text, worded as Zoom's desktop client words it.

use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::MeetingId;
use crate::links::JoinLink;

/// What the invitation is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InvitationSubject {
    /// A meeting with a start time, shown in the meeting's time zone.
    Scheduled {
        topic: String,
        start: DateTime<Utc>,
        time_zone: String,
    },
    /// A meeting without a fixed time (instant, or recurring with no fixed time).
    Unscheduled { topic: String },
    /// The Personal Meeting Room, which has no time of its own.
    PersonalRoom,
}

/// Everything an invitation says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub host_name: String,
    pub subject: InvitationSubject,
    pub join_link: JoinLink,
    pub meeting_id: MeetingId,
    pub passcode: Option<String>,
}

impl Invitation {
    /// The text, one line per `\n` (the API's own text uses `\r\n`; callers convert at the edge).
    pub fn text(&self) -> Result<String, Error> {
        let mut lines = vec![format!(
            "{} is inviting you to a scheduled Zoom meeting.",
            self.host_name
        )];
        lines.push(String::new());
        match &self.subject {
            InvitationSubject::Scheduled {
                topic,
                start,
                time_zone,
            } => {
                let tz: Tz = time_zone
                    .parse()
                    .map_err(|_| Error::UnknownTimeZone(time_zone.clone()))?;
                let local = start.with_timezone(&tz);
                lines.push(format!("Topic: {topic}"));
                lines.push(format!(
                    "Time: {} {} ({})",
                    local.format("%b %-d, %Y %I:%M %p"),
                    time_zone,
                    local.format("%Z")
                ));
                lines.push(String::new());
            }
            InvitationSubject::Unscheduled { topic } => {
                lines.push(format!("Topic: {topic}"));
                lines.push(String::new());
            }
            InvitationSubject::PersonalRoom => {
                lines.push(format!("Topic: {}'s Personal Meeting Room", self.host_name));
                lines.push(String::new());
            }
        }
        lines.push("Join Zoom Meeting".to_owned());
        lines.push(self.join_link.to_string());
        lines.push(String::new());
        lines.push(format!("Meeting ID: {}", self.meeting_id.formatted()));
        if let Some(passcode) = self.passcode.as_deref().filter(|p| !p.is_empty()) {
            lines.push(format!("Passcode: {passcode}"));
        }
        lines.push(String::new());
        Ok(lines.join("\n"))
    }
}

impl fmt::Display for Invitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn link(id: u64) -> JoinLink {
        JoinLink::new("https://zoom.us", MeetingId::new(id).unwrap()).unwrap()
    }

    #[test]
    fn scheduled_invitation_reads_like_zooms() {
        let invitation = Invitation {
            host_name: "Jane Doe".into(),
            subject: InvitationSubject::Scheduled {
                topic: "Weekly sync".into(),
                start: Utc.with_ymd_and_hms(2026, 11, 27, 16, 30, 0).unwrap(),
                time_zone: "America/Los_Angeles".into(),
            },
            join_link: link(3_542_471_135).with_omn("85746065432"),
            meeting_id: MeetingId::new(3_542_471_135).unwrap(),
            passcode: Some("abc123".into()),
        };
        assert_eq!(
            invitation.text().unwrap(),
            "Jane Doe is inviting you to a scheduled Zoom meeting.\n\n\
             Topic: Weekly sync\n\
             Time: Nov 27, 2026 08:30 AM America/Los_Angeles (PST)\n\n\
             Join Zoom Meeting\n\
             https://zoom.us/j/3542471135?omn=85746065432\n\n\
             Meeting ID: 354 247 1135\n\
             Passcode: abc123\n"
        );
    }

    #[test]
    fn personal_room_invitation_has_no_time_and_no_empty_passcode() {
        let invitation = Invitation {
            host_name: "Jane Doe".into(),
            subject: InvitationSubject::PersonalRoom,
            join_link: link(3_542_471_135),
            meeting_id: MeetingId::new(3_542_471_135).unwrap(),
            passcode: Some(String::new()),
        };
        let text = invitation.text().unwrap();
        assert!(text.contains("Topic: Jane Doe's Personal Meeting Room\n"));
        assert!(!text.contains("Time:"));
        assert!(!text.contains("Passcode"));
    }

    #[test]
    fn unknown_time_zone_is_an_error_that_says_what_to_use() {
        let invitation = Invitation {
            host_name: "Jane".into(),
            subject: InvitationSubject::Scheduled {
                topic: "x".into(),
                start: Utc::now(),
                time_zone: "Mars/Olympus".into(),
            },
            join_link: link(3_542_471_135),
            meeting_id: MeetingId::new(3_542_471_135).unwrap(),
            passcode: None,
        };
        let err = invitation.text().unwrap_err();
        assert!(err.to_string().contains("IANA"));
    }
}
