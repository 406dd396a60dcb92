//! What the sandbox stores, and how it answers in Zoom's JSON shapes.

use chrono::{DateTime, SecondsFormat, Utc};
use pmi_core::{JoinLink, MeetingId, PersonalLink, VanityName};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The account's settings as Zoom's `GET /users/{userId}/settings` shows them, for a new user.
pub fn default_settings() -> Value {
    json!({
        "schedule_meeting": {
            "host_video": true,
            "participants_video": false,
            "join_before_host": false,
            "personal_meeting": true,
            "use_pmi_for_instant_meetings": false,
            "use_pmi_for_scheduled_meetings": false,
            "require_password_for_pmi_meetings": "all",
            "pmi_password": "",
            "embed_password_in_join_link": true,
            "require_password_for_scheduling_new_meetings": true,
            "require_password_for_instant_meetings": true,
            "meeting_password_requirement": {
                "length": 6,
                "have_letter": false,
                "have_number": false,
                "have_special_character": false,
                "only_allow_numeric": false,
                "have_upper_and_lower_characters": false,
                "consecutive_characters_length": 0,
                "weak_enhance_detection": false
            }
        },
        "in_meeting": {
            "waiting_room": false
        }
    })
}

/// Which settings the account holds locked; a user's change to a locked one is ignored.
pub fn default_lock_settings() -> Value {
    json!({
        "schedule_meeting": {
            "use_pmi_for_instant_meetings": false,
            "use_pmi_for_scheduled_meetings": false,
            "require_password_for_pmi_meetings": false,
            "embed_password_in_join_link": false,
            "host_video": false,
            "participant_video": false,
            "join_before_host": false,
            "audio_type": false,
            "meeting_authentication": false,
            // Zoom's published lock settings leave this one out (an admin can still lock it in
            // the web portal, and a client then sees only that a change did not hold); the local
            // service keeps it here so that case can be played.
            "mute_upon_entry": false
        },
        "meeting_security": {
            "waiting_room": false,
            "pmi_password": false
        }
    })
}

pub fn utc_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: String,
    pub account_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub pmi: u64,
    pub vanity_name: Option<String>,
    pub timezone: String,
    pub use_pmi: bool,
    pub settings: Value,
    pub created_at: DateTime<Utc>,
}

impl UserRecord {
    pub fn setting(&self, section: &str, key: &str) -> Option<&Value> {
        self.settings.get(section)?.get(key)
    }

    pub fn flag(&self, section: &str, key: &str) -> bool {
        self.setting(section, key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// `/my/<vanity>` when the user has a valid personal link name.
    pub fn vanity_url(&self, base: &str) -> Option<String> {
        let name = VanityName::new(self.vanity_name.as_deref()?).ok()?;
        PersonalLink::new(base, name)
            .ok()
            .map(|link| link.to_string())
    }

    /// The user as Zoom serves it: `personal_meeting_url` is the PMI's join link (`room` is the
    /// personal room), `vanity_url` the `/my/<name>` personal link when there is a name.
    pub fn to_json(&self, base: &str, room: Option<&MeetingRecord>) -> Value {
        let mut user = json!({
            "id": self.id,
            "account_id": self.account_id,
            "account_number": 10_000_001,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": self.display_name,
            "type": 2,
            "role_name": "Owner",
            "pmi": self.pmi,
            "use_pmi": self.use_pmi,
            "personal_meeting_url": room
                .map(|room| room.join_link(self, base))
                .unwrap_or_else(|| format!("{base}/j/{}", self.pmi)),
            "timezone": self.timezone,
            "verified": 1,
            "language": "en-US",
            "status": "active",
            "created_at": utc_text(self.created_at),
            "user_created_at": utc_text(self.created_at),
            "last_login_time": utc_text(Utc::now()),
            "login_types": [100],
            "cluster": "local",
        });
        if let Some(url) = self.vanity_url(base) {
            user["vanity_url"] = Value::from(url);
        }
        user
    }
}

#[derive(Debug, Clone)]
pub struct MeetingRecord {
    pub id: u64,
    pub uuid: String,
    /// Zoom's meeting `type` code.
    pub kind: i64,
    pub topic: String,
    pub agenda: String,
    pub start_time: Option<DateTime<Utc>>,
    pub duration: Option<u32>,
    pub timezone: String,
    pub password: String,
    pub use_pmi: bool,
    /// The meeting's own `settings` object, as given and defaulted.
    pub settings: Value,
    pub recurrence: Option<Value>,
    /// `waiting` or `started`.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// Zoom's "encrypted" passcode in join links: opaque, stable for a meeting and passcode.
pub fn encrypted_password(meeting_id: u64, password: &str) -> String {
    let digest = Sha256::digest(format!("{meeting_id}:{password}").as_bytes());
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..24])
}

impl MeetingRecord {
    /// The number people dial in with: the PMI for meetings held on it, else the meeting's own.
    pub fn join_number(&self, user: &UserRecord) -> u64 {
        if self.use_pmi || self.kind == 4 {
            user.pmi
        } else {
            self.id
        }
    }

    pub fn join_link(&self, user: &UserRecord, base: &str) -> String {
        let number = self.join_number(user);
        let link = MeetingId::new(number)
            .ok()
            .and_then(|id| JoinLink::new(base, id).ok());
        let Some(mut link) = link else {
            return format!("{base}/j/{number}");
        };
        if !self.password.is_empty() && user.flag("schedule_meeting", "embed_password_in_join_link")
        {
            link = link.with_pwd(encrypted_password(number, &self.password));
        }
        // A scheduled session of the PMI carries its own number, so Zoom shows its topic.
        if self.use_pmi && self.kind != 4 {
            link = link.with_omn(self.id.to_string());
        }
        link.to_string()
    }

    pub fn start_url(&self, user: &UserRecord, base: &str) -> String {
        format!("{base}/s/{}?zak=local-{}", self.join_number(user), self.id)
    }

    pub fn to_json(&self, user: &UserRecord, base: &str) -> Value {
        let mut settings = self.settings.clone();
        if let Some(map) = settings.as_object_mut() {
            map.insert(
                "use_pmi".into(),
                Value::Bool(self.use_pmi || self.kind == 4),
            );
        }
        let mut meeting = json!({
            "id": self.id,
            "uuid": self.uuid,
            "host_id": user.id,
            "host_email": user.email,
            "topic": self.topic,
            "type": self.kind,
            "status": self.status,
            "timezone": self.timezone,
            "agenda": self.agenda,
            "created_at": utc_text(self.created_at),
            "start_url": self.start_url(user, base),
            "join_url": self.join_link(user, base),
            "password": self.password,
            "h323_password": self.password,
            "pstn_password": self.password,
            "encrypted_password": encrypted_password(self.join_number(user), &self.password),
            "pre_schedule": false,
            "creation_source": "open_api",
            "settings": settings,
        });
        if let Some(start) = self.start_time {
            meeting["start_time"] = Value::from(utc_text(start));
        }
        if let Some(duration) = self.duration {
            meeting["duration"] = Value::from(duration);
        }
        if self.use_pmi && self.kind != 4 {
            meeting["pmi"] = Value::from(user.pmi.to_string());
        }
        if let Some(recurrence) = &self.recurrence {
            meeting["recurrence"] = recurrence.clone();
        }
        meeting
    }

    /// The shorter form of a meeting in a list.
    /// A recurring meeting's next occurrence that has not ended at `now`, as Zoom lists it; its
    /// first start for any other meeting, or when its occurrences cannot be read.
    pub fn listed_start(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let first = self.start_time?;
        if self.kind != 8 {
            return Some(first);
        }
        let next = (|| {
            let recurrence = recurrence_of(self.recurrence.as_ref()?)?;
            let zone: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::UTC);
            let length = chrono::Duration::minutes(i64::from(self.duration.unwrap_or(0)));
            let horizon = now + chrono::Duration::days(pmi_core::RECURRENCE_HORIZON_DAYS);
            pmi_core::occurrences(&recurrence, first, zone, horizon)
                .into_iter()
                .find(|start| *start + length >= now)
        })();
        Some(next.unwrap_or(first))
    }

    pub fn to_list_json(&self, user: &UserRecord, base: &str, now: DateTime<Utc>) -> Value {
        let mut item = json!({
            "id": self.id,
            "uuid": self.uuid,
            "host_id": user.id,
            "topic": self.topic,
            "type": self.kind,
            "timezone": self.timezone,
            "agenda": self.agenda.chars().take(250).collect::<String>(),
            "created_at": utc_text(self.created_at),
            "join_url": self.join_link(user, base),
        });
        if let Some(start) = self.listed_start(now) {
            item["start_time"] = Value::from(utc_text(start));
        }
        if let Some(duration) = self.duration {
            item["duration"] = Value::from(duration);
        }
        if self.use_pmi {
            item["pmi"] = Value::from(user.pmi.to_string());
        }
        item
    }
}

/// A stored `recurrence` object read as the domain's recurrence (the fields the sandbox accepts).
fn recurrence_of(r: &Value) -> Option<pmi_core::Recurrence> {
    use pmi_core::{Recurrence, RecurrenceEnd, RecurrenceUnit};
    let every = match r.get("type")?.as_i64()? {
        1 => RecurrenceUnit::Day,
        2 => RecurrenceUnit::Week,
        3 => RecurrenceUnit::Month,
        _ => return None,
    };
    let number = |key: &str| {
        r.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u8::try_from(n).ok())
    };
    let monthly_weekday = r
        .get("monthly_week")
        .and_then(Value::as_i64)
        .and_then(|w| i8::try_from(w).ok())
        .zip(number("monthly_week_day"))
        .filter(|_| every == RecurrenceUnit::Month)
        .map(|(week, day)| pmi_core::MonthlyWeekday { week, day });
    let end = match r.get("end_date_time").and_then(Value::as_str) {
        Some(by) => RecurrenceEnd::By(DateTime::parse_from_rfc3339(by).ok()?.with_timezone(&Utc)),
        None => RecurrenceEnd::After(number("end_times").unwrap_or(1)),
    };
    Some(Recurrence {
        every,
        interval: number("repeat_interval").unwrap_or(1).max(1),
        weekly_days: match every {
            RecurrenceUnit::Week => r
                .get("weekly_days")
                .and_then(Value::as_str)
                .unwrap_or("")
                .split(',')
                .filter_map(|d| d.trim().parse().ok())
                .collect(),
            _ => Vec::new(),
        },
        // By a weekday of the month when one is given, as Zoom reads it (zoom-api's json.rs).
        monthly_day: number("monthly_day")
            .filter(|_| every == RecurrenceUnit::Month && monthly_weekday.is_none()),
        monthly_weekday,
        end,
    })
}

#[cfg(test)]
mod listing_tests {
    use super::*;
    use chrono::TimeZone;

    fn weekly(first: DateTime<Utc>, end_times: u8) -> MeetingRecord {
        MeetingRecord {
            id: 85_746_065_432,
            uuid: "u".into(),
            kind: 8,
            topic: "Weekly".into(),
            agenda: String::new(),
            start_time: Some(first),
            duration: Some(30),
            timezone: "Europe/Berlin".into(),
            password: String::new(),
            use_pmi: false,
            settings: json!({}),
            recurrence: Some(
                json!({"type": 2, "repeat_interval": 1, "weekly_days": "4", "end_times": end_times}),
            ),
            status: "waiting".into(),
            created_at: first,
        }
    }

    #[test]
    fn a_recurring_meeting_is_listed_at_its_next_occurrence_as_zoom_lists_it() {
        // Wednesdays (Zoom's 4) at 09:00 UTC, from 1 Jan 2031.
        let first = Utc.with_ymd_and_hms(2031, 1, 1, 9, 0, 0).unwrap();
        let m = weekly(first, 10);
        assert_eq!(
            m.listed_start(first - chrono::Duration::days(1)),
            Some(first)
        );
        let later = Utc.with_ymd_and_hms(2031, 1, 16, 12, 0, 0).unwrap();
        assert_eq!(
            m.listed_start(later),
            Some(Utc.with_ymd_and_hms(2031, 1, 22, 9, 0, 0).unwrap())
        );
        // Under way: still this occurrence until it ends.
        let during = Utc.with_ymd_and_hms(2031, 1, 22, 9, 20, 0).unwrap();
        assert_eq!(
            m.listed_start(during),
            Some(Utc.with_ymd_and_hms(2031, 1, 22, 9, 0, 0).unwrap())
        );
        // A series that has ended keeps its first start.
        let ended = weekly(first, 2);
        assert_eq!(ended.listed_start(later), Some(first));
    }
}
