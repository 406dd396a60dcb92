//! Transport types: serde structs that mirror Zoom's JSON, converted into `pmi-core` types once.
//! Request bodies are public so tests can check them against the official specs.

use chrono::{DateTime, SecondsFormat, Utc};
use pmi_core::{
    AudioType, JoinLink, Meeting, MeetingId, MeetingKind, MeetingOptions, MeetingStatus,
    MonthlyWeekday, PasscodeRules, Pmi, PmiPasscodeRequirement, PmiSettings, Profile, Recurrence,
    RecurrenceEnd, RecurrenceUnit, JBH_MINUTES,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;

fn utc(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_time(field: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, Error> {
    text.filter(|t| !t.is_empty())
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| Error::InvalidResponse(format!("{field} is not a time: {t}")))
        })
        .transpose()
}

#[derive(Deserialize)]
pub struct UserJson {
    pub id: String,
    #[serde(default)]
    pub account_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub pmi: Option<u64>,
    #[serde(default)]
    pub personal_meeting_url: Option<String>,
    #[serde(default)]
    pub vanity_url: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
}

impl TryFrom<UserJson> for Profile {
    type Error = Error;
    fn try_from(u: UserJson) -> Result<Self, Error> {
        let display_name = u.display_name.filter(|n| !n.is_empty()).unwrap_or_else(|| {
            format!(
                "{} {}",
                u.first_name.unwrap_or_default(),
                u.last_name.unwrap_or_default()
            )
            .trim()
            .to_owned()
        });
        // Zoom reports 0 or nothing for users without a PMI; never show `/j/0`.
        let pmi = u.pmi.filter(|&p| p != 0).map(Pmi::new).transpose()?;
        Ok(Profile {
            user_id: u.id,
            account_id: u.account_id,
            display_name,
            email: u.email,
            pmi,
            personal_meeting_url: u.personal_meeting_url.filter(|s| !s.is_empty()),
            vanity_url: u.vanity_url.filter(|s| !s.is_empty()),
            time_zone: u.timezone.unwrap_or_else(|| "UTC".into()),
        })
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordRequirementJson {
    #[serde(default)]
    pub length: u8,
    #[serde(default)]
    pub have_letter: bool,
    #[serde(default)]
    pub have_number: bool,
    #[serde(default)]
    pub have_special_character: bool,
    #[serde(default)]
    pub only_allow_numeric: bool,
    #[serde(default)]
    pub have_upper_and_lower_characters: bool,
}

#[derive(Default, Deserialize)]
pub struct ScheduleMeetingJson {
    #[serde(default)]
    pub personal_meeting: bool,
    #[serde(default)]
    pub use_pmi_for_instant_meetings: bool,
    #[serde(default)]
    pub use_pmi_for_scheduled_meetings: bool,
    #[serde(default)]
    pub pmi_password: Option<String>,
    #[serde(default)]
    pub require_password_for_pmi_meetings: Option<String>,
    #[serde(default)]
    pub embed_password_in_join_link: bool,
    #[serde(default)]
    pub host_video: bool,
    #[serde(default)]
    pub participants_video: bool,
    #[serde(default)]
    pub join_before_host: bool,
    #[serde(default)]
    pub require_password_for_scheduling_new_meetings: bool,
    #[serde(default)]
    pub meeting_password_requirement: PasswordRequirementJson,
}

#[derive(Debug, Default, Deserialize)]
pub struct InMeetingJson {
    #[serde(default)]
    pub waiting_room: bool,
}

#[derive(Debug, Deserialize)]
pub struct SettingsJson {
    #[serde(default)]
    pub schedule_meeting: ScheduleMeetingJson,
    #[serde(default)]
    pub in_meeting: InMeetingJson,
}

impl From<SettingsJson> for PmiSettings {
    fn from(s: SettingsJson) -> Self {
        let sm = s.schedule_meeting;
        let req = sm.meeting_password_requirement;
        PmiSettings {
            personal_meeting: sm.personal_meeting,
            use_pmi_for_instant_meetings: sm.use_pmi_for_instant_meetings,
            use_pmi_for_scheduled_meetings: sm.use_pmi_for_scheduled_meetings,
            pmi_passcode: sm.pmi_password.filter(|p| !p.is_empty()),
            pmi_passcode_requirement: match sm.require_password_for_pmi_meetings.as_deref() {
                Some("none") => PmiPasscodeRequirement::None,
                Some("jbh_only") => PmiPasscodeRequirement::JbhOnly,
                _ => PmiPasscodeRequirement::All,
            },
            embed_passcode_in_join_link: sm.embed_password_in_join_link,
            waiting_room: s.in_meeting.waiting_room,
            host_video: sm.host_video,
            participants_video: sm.participants_video,
            join_before_host: sm.join_before_host,
            passcode_for_new_meetings: sm.require_password_for_scheduling_new_meetings,
            passcode_rules: PasscodeRules {
                min_length: req.length,
                have_letter: req.have_letter,
                have_number: req.have_number,
                have_special_character: req.have_special_character,
                only_allow_numeric: req.only_allow_numeric,
                have_upper_and_lower_characters: req.have_upper_and_lower_characters,
            },
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MeetingSettingsJson {
    #[serde(default)]
    pub use_pmi: bool,
    #[serde(default)]
    pub waiting_room: bool,
    #[serde(default)]
    pub host_video: bool,
    #[serde(default)]
    pub participant_video: bool,
    #[serde(default)]
    pub join_before_host: bool,
    #[serde(default)]
    pub jbh_time: Option<i64>,
    #[serde(default)]
    pub mute_upon_entry: bool,
    /// Read as text: a word this client does not know reads as Zoom's default, `both`.
    #[serde(default)]
    pub audio: Option<String>,
    #[serde(default)]
    pub meeting_authentication: bool,
}

impl MeetingSettingsJson {
    fn options(&self) -> MeetingOptions {
        MeetingOptions {
            join_before_host: self.join_before_host,
            jbh_minutes: self
                .jbh_time
                .and_then(|t| u8::try_from(t).ok())
                .filter(|t| JBH_MINUTES.contains(t))
                .unwrap_or(0),
            mute_upon_entry: self.mute_upon_entry,
            audio: self
                .audio
                .as_deref()
                .and_then(AudioType::from_code)
                .unwrap_or_default(),
            authenticated_only: self.meeting_authentication,
        }
    }
}

#[derive(Deserialize)]
pub struct MeetingJson {
    pub id: u64,
    #[serde(default)]
    pub topic: String,
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(default)]
    pub agenda: Option<String>,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub duration: Option<u32>,
    #[serde(default)]
    pub timezone: Option<String>,
    pub join_url: String,
    #[serde(default)]
    pub start_url: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub pmi: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub settings: MeetingSettingsJson,
    #[serde(default)]
    pub recurrence: Option<RecurrenceJson>,
}

/// A meeting's `recurrence` as Zoom reads it back.
#[derive(Debug, Deserialize)]
pub struct RecurrenceJson {
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(default)]
    pub repeat_interval: Option<u8>,
    #[serde(default)]
    pub weekly_days: Option<String>,
    #[serde(default)]
    pub monthly_day: Option<u8>,
    #[serde(default)]
    pub monthly_week: Option<i8>,
    #[serde(default)]
    pub monthly_week_day: Option<u8>,
    #[serde(default)]
    pub end_times: Option<u8>,
    #[serde(default)]
    pub end_date_time: Option<String>,
}

impl TryFrom<RecurrenceJson> for Recurrence {
    type Error = Error;
    fn try_from(r: RecurrenceJson) -> Result<Self, Error> {
        let every = match r.kind {
            1 => RecurrenceUnit::Day,
            2 => RecurrenceUnit::Week,
            3 => RecurrenceUnit::Month,
            other => {
                return Err(Error::InvalidResponse(format!(
                    "recurrence type {other} is not one Zoom documents"
                )))
            }
        };
        let end = match (
            r.end_times,
            parse_time("end_date_time", r.end_date_time.as_deref())?,
        ) {
            (_, Some(by)) => RecurrenceEnd::By(by),
            (Some(n), None) => RecurrenceEnd::After(n),
            // Zoom's default when neither is given.
            (None, None) => RecurrenceEnd::After(1),
        };
        // Only what the type uses, days in order: read back, it equals what was written, so an
        // edit that leaves it alone does not rewrite it.
        let mut weekly_days: Vec<u8> = match every {
            RecurrenceUnit::Week => r
                .weekly_days
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .filter_map(|d| d.trim().parse().ok())
                .collect(),
            _ => Vec::new(),
        };
        weekly_days.sort_unstable();
        weekly_days.dedup();
        let monthly_weekday = r
            .monthly_week
            .zip(r.monthly_week_day)
            .filter(|_| every == RecurrenceUnit::Month)
            .map(|(week, day)| MonthlyWeekday { week, day });
        Ok(Recurrence {
            every,
            interval: r.repeat_interval.unwrap_or(1).max(1),
            weekly_days,
            // By a weekday of the month ("the second Tuesday") when Zoom gives one: those two
            // fields have no default, where `monthly_day` reads as 1 when absent, so an answer
            // with all three is by the weekday.
            monthly_day: r
                .monthly_day
                .filter(|_| every == RecurrenceUnit::Month && monthly_weekday.is_none()),
            monthly_weekday,
            end,
        })
    }
}

impl TryFrom<MeetingJson> for Meeting {
    type Error = Error;
    fn try_from(m: MeetingJson) -> Result<Self, Error> {
        let kind = MeetingKind::from_code(m.kind)?;
        let join_link = JoinLink::parse(&m.join_url)
            .map_err(|e| Error::InvalidResponse(format!("join_url: {e}")))?;
        Ok(Meeting {
            id: MeetingId::new(m.id)?,
            kind,
            topic: m.topic,
            agenda: m.agenda.unwrap_or_default(),
            start: parse_time("start_time", m.start_time.as_deref())?,
            duration_minutes: m.duration,
            time_zone: m.timezone.filter(|t| !t.is_empty()),
            on_pmi: kind == MeetingKind::PersonalRoom || m.settings.use_pmi || m.pmi.is_some(),
            join_link,
            start_url: m.start_url.filter(|s| !s.is_empty()),
            passcode: m.password.filter(|p| !p.is_empty()),
            waiting_room: m.settings.waiting_room,
            host_video: m.settings.host_video,
            participant_video: m.settings.participant_video,
            options: m.settings.options(),
            status: if m.status.as_deref() == Some("started") {
                MeetingStatus::Started
            } else {
                MeetingStatus::Waiting
            },
            created_at: parse_time("created_at", m.created_at.as_deref())?,
            recurrence: m.recurrence.map(Recurrence::try_from).transpose()?,
        })
    }
}

/// One meeting in a list; Zoom's list items are shorter than a full meeting.
#[derive(Deserialize)]
pub struct ListedMeetingJson {
    pub id: u64,
    #[serde(default)]
    pub topic: String,
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub duration: Option<u32>,
    #[serde(default)]
    pub timezone: Option<String>,
    pub join_url: String,
    #[serde(default)]
    pub pmi: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub agenda: Option<String>,
}

impl TryFrom<ListedMeetingJson> for Meeting {
    type Error = Error;
    fn try_from(m: ListedMeetingJson) -> Result<Self, Error> {
        MeetingJson {
            id: m.id,
            topic: m.topic,
            kind: m.kind,
            agenda: m.agenda,
            start_time: m.start_time,
            duration: m.duration,
            timezone: m.timezone,
            join_url: m.join_url,
            start_url: None,
            password: None,
            settings: MeetingSettingsJson {
                use_pmi: m.pmi.is_some(),
                ..MeetingSettingsJson::default()
            },
            pmi: m.pmi,
            status: None,
            created_at: m.created_at,
            recurrence: None,
        }
        .try_into()
    }
}

#[derive(Debug, Deserialize)]
pub struct MeetingListJson {
    #[serde(default)]
    pub next_page_token: Option<String>,
    #[serde(default)]
    pub total_records: Option<u64>,
    /// Read one by one, so that one meeting the client cannot read does not hide the others.
    #[serde(default)]
    pub meetings: Vec<Value>,
}

#[derive(Deserialize)]
pub struct InvitationJson {
    pub invitation: String,
}

#[derive(Deserialize)]
pub struct TokenJson {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub api_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OAuthErrorJson {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ZoomErrorJson {
    #[serde(default)]
    pub code: i64,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub errors: Vec<crate::error::FieldError>,
}

// ---- request bodies -------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MeetingSettingsBody {
    /// Always sent for meetings that may use the PMI: when omitted, the account setting decides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_pmi: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_room: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_video: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant_video: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_before_host: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jbh_time: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mute_upon_entry: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_authentication: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecurrenceBody {
    #[serde(rename = "type")]
    pub kind: u8,
    pub repeat_interval: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weekly_days: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_day: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_week: Option<i8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_week_day: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_times: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<String>,
}

impl From<&Recurrence> for RecurrenceBody {
    fn from(r: &Recurrence) -> Self {
        let (end_times, end_date_time) = match &r.end {
            RecurrenceEnd::After(n) => (Some(*n), None),
            RecurrenceEnd::By(t) => (None, Some(utc(*t))),
        };
        let by_weekday = r
            .monthly_weekday
            .filter(|_| r.every == RecurrenceUnit::Month && r.monthly_day.is_none());
        RecurrenceBody {
            kind: r.every.code(),
            repeat_interval: r.interval.max(1),
            weekly_days: (r.every == RecurrenceUnit::Week && !r.weekly_days.is_empty()).then(
                || {
                    r.weekly_days
                        .iter()
                        .map(u8::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                },
            ),
            monthly_day: if r.every == RecurrenceUnit::Month {
                r.monthly_day
            } else {
                None
            },
            monthly_week: by_weekday.map(|w| w.week),
            monthly_week_day: by_weekday.map(|w| w.day),
            end_times,
            end_date_time,
        }
    }
}

#[derive(Clone, Serialize)]
pub struct CreateMeetingBody {
    pub topic: String,
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceBody>,
    pub settings: MeetingSettingsBody,
}

#[derive(Clone, Default, Serialize)]
pub struct UpdateMeetingBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", rename = "type")]
    pub kind: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<MeetingSettingsBody>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct UpdateUserBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmi: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_pmi: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vanity_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

#[derive(Clone, Default, Serialize)]
pub struct ScheduleMeetingBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_meeting: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_pmi_for_instant_meetings: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_pmi_for_scheduled_meetings: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmi_password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_password_for_pmi_meetings: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embed_password_in_join_link: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_video: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants_video: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_before_host: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct InMeetingBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_room: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct UpdateSettingsBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_meeting: Option<ScheduleMeetingBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_meeting: Option<InMeetingBody>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusBody {
    pub action: &'static str,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LockScheduleMeeting {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub use_pmi_for_instant_meetings: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub use_pmi_for_scheduled_meetings: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub require_password_for_pmi_meetings: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub embed_password_in_join_link: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub host_video: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub participant_video: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub join_before_host: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub audio_type: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub meeting_authentication: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LockMeetingSecurity {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub waiting_room: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pmi_password: Option<bool>,
}

/// The account's lock settings that concern the PMI (`true` = locked by the admin).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LockSettings {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub schedule_meeting: Option<LockScheduleMeeting>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub meeting_security: Option<LockMeetingSecurity>,
}

impl LockSettings {
    /// The one or two bodies Zoom takes: the main sections, then `meeting_security` alone.
    pub fn split(&self) -> Vec<LockSettings> {
        let mut parts = Vec::new();
        if self.schedule_meeting.is_some() {
            parts.push(LockSettings {
                schedule_meeting: self.schedule_meeting.clone(),
                meeting_security: None,
            });
        }
        if self.meeting_security.is_some() {
            parts.push(LockSettings {
                schedule_meeting: None,
                meeting_security: self.meeting_security.clone(),
            });
        }
        parts
    }
}

pub(crate) fn time_text(time: DateTime<Utc>) -> String {
    utc(time)
}

pmi_core::debug_hiding!(UserJson, hide [personal_meeting_url], show [id, account_id, display_name, first_name, last_name, email, pmi, vanity_url, timezone]);

pmi_core::debug_hiding!(ScheduleMeetingJson, hide [pmi_password], show [personal_meeting, use_pmi_for_instant_meetings, use_pmi_for_scheduled_meetings, require_password_for_pmi_meetings, embed_password_in_join_link, host_video, participants_video, join_before_host, require_password_for_scheduling_new_meetings, meeting_password_requirement]);

pmi_core::debug_hiding!(MeetingJson, hide [join_url, start_url, password], show [id, topic, kind, agenda, start_time, duration, timezone, pmi, status, created_at, settings, recurrence]);

pmi_core::debug_hiding!(ListedMeetingJson, hide [join_url], show [id, topic, kind, start_time, duration, timezone, pmi, created_at, agenda]);

pmi_core::debug_hiding!(InvitationJson, hide [invitation], show []);

pmi_core::debug_hiding!(TokenJson, hide [access_token, refresh_token], show [expires_in, api_url]);

pmi_core::debug_hiding!(CreateMeetingBody, hide [password], show [topic, kind, start_time, duration, timezone, agenda, recurrence, settings]);

pmi_core::debug_hiding!(UpdateMeetingBody, hide [password], show [topic, kind, start_time, duration, timezone, agenda, recurrence, settings]);

pmi_core::debug_hiding!(ScheduleMeetingBody, hide [pmi_password], show [personal_meeting, use_pmi_for_instant_meetings, use_pmi_for_scheduled_meetings, require_password_for_pmi_meetings, embed_password_in_join_link, host_video, participants_video, join_before_host]);

#[cfg(test)]
mod recurrence_tests {
    use super::*;

    #[test]
    fn a_recurrence_reads_back_in_one_form_whatever_order_zoom_sends() {
        let read = |json: serde_json::Value| {
            Recurrence::try_from(serde_json::from_value::<RecurrenceJson>(json).unwrap()).unwrap()
        };
        let weekly = read(serde_json::json!({"type": 2, "repeat_interval": 1,
            "weekly_days": "5,2,5", "monthly_day": 3, "end_times": 4}));
        assert_eq!(weekly.weekly_days, [2, 5]);
        assert_eq!(weekly.monthly_day, None);
        let monthly = read(
            serde_json::json!({"type": 3, "weekly_days": "1", "monthly_day": 12,
            "end_date_time": "2031-06-30T23:59:00Z"}),
        );
        assert!(monthly.weekly_days.is_empty());
        assert_eq!(monthly.monthly_day, Some(12));
        assert_eq!(monthly.monthly_weekday, None);
        assert_eq!(monthly.interval, 1);
        // The weekday of the month, also when `monthly_day` comes along with its default of 1
        // (as the spec's example has all three); and only for monthly meetings.
        let second_tuesday = MonthlyWeekday { week: 2, day: 3 };
        for json in [
            serde_json::json!({"type": 3, "monthly_week": 2, "monthly_week_day": 3}),
            serde_json::json!({"type": 3, "monthly_day": 1, "monthly_week": 2, "monthly_week_day": 3}),
        ] {
            let r = read(json);
            assert_eq!(
                (r.monthly_day, r.monthly_weekday),
                (None, Some(second_tuesday))
            );
        }
        let weekly = read(
            serde_json::json!({"type": 2, "weekly_days": "3", "monthly_week": 2,
            "monthly_week_day": 3}),
        );
        assert_eq!(weekly.monthly_weekday, None);
    }
}

#[cfg(test)]
mod debug_tests {
    use super::*;

    #[test]
    fn tokens_start_links_and_passcodes_never_print() {
        let token: TokenJson = serde_json::from_value(serde_json::json!({
            "access_token": "SECRET_AT", "refresh_token": "SECRET_RT", "expires_in": 3599
        }))
        .unwrap();
        let meeting: MeetingJson = serde_json::from_value(serde_json::json!({
            "id": 85746065432u64, "type": 2, "topic": "Plan",
            "join_url": "https://zoom.us/j/85746065432?pwd=SECRET_PWD",
            "start_url": "https://zoom.us/s/85746065432?zak=SECRET_ZAK", "password": "SECRET_PASS"
        }))
        .unwrap();
        let printed = format!("{token:?} {meeting:?}");
        assert!(printed.contains("Plan"), "{printed}");
        assert!(!printed.contains("SECRET"), "{printed}");
    }
}
