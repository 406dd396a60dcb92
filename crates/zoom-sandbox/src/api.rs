//! The `/v2` routes: users, settings, meetings, invitation, status and lock settings.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{Duration, Utc};
use pmi_core::{
    Invitation, InvitationSubject, JoinLink, MeetingId, PasscodeRules, Pmi, VanityName,
};
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::input::{self, Fields};
use crate::model::{utc_text, MeetingRecord, UserRecord};
use crate::store::{ListKind, Role};
use crate::AppState;

type Shared = State<Arc<AppState>>;

/// The user a `{userId}` names: `me`, the user's ID or email.
fn resolve_user(state: &AppState, user_id: &str) -> ApiResult<UserRecord> {
    let user = state.store.user()?;
    if user_id == "me" || user_id == user.id || user_id.eq_ignore_ascii_case(&user.email) {
        Ok(user)
    } else {
        Err(ApiError::user_not_found())
    }
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

pub async fn get_user(State(state): Shared, Path(user_id): Path<String>) -> ApiResult<Json<Value>> {
    let user = resolve_user(&state, &user_id)?;
    let room = state.store.meeting(user.pmi)?;
    Ok(Json(user.to_json(&state.base_url, room.as_ref())))
}

pub async fn patch_user(
    State(state): Shared,
    Path(user_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut user = resolve_user(&state, &user_id)?;
    let map = input::object(&body)?;
    let old_pmi = user.pmi;
    let mut f = Fields::new(&map);
    if let Some(name) = f.string("first_name", 64) {
        user.first_name = name;
    }
    if let Some(name) = f.string("last_name", 64) {
        user.last_name = name;
    }
    if let Some(name) = f.string("display_name", 128) {
        user.display_name = name;
    }
    if let Some(tz) = f.time_zone("timezone") {
        user.timezone = tz;
    }
    if let Some(use_pmi) = f.boolean("use_pmi") {
        user.use_pmi = use_pmi;
    }
    if let Some(name) = f.string("vanity_name", 40) {
        match VanityName::new(&name) {
            Ok(name) if taken_by_another(&state, name.as_str()) => {
                return Err(ApiError::bad_request(
                    4100,
                    format!("The personal link name {} is already taken.", name.as_str()),
                ));
            }
            Ok(name) => user.vanity_name = Some(name.as_str().to_owned()),
            Err(err) => f.fail("vanity_name", err.to_string()),
        }
    }
    let new_pmi = match map.get("pmi") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let text = match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => String::new(),
            };
            match Pmi::choose(&text) {
                Ok(pmi) => Some(pmi.get()),
                Err(err) => {
                    f.fail("pmi", err.to_string());
                    None
                }
            }
        }
    };
    f.finish()?;
    if let Some(pmi) = new_pmi.filter(|&p| p != old_pmi) {
        if state.store.meeting_id_taken(pmi)? {
            return Err(ApiError::bad_request(
                300,
                format!("The Personal Meeting ID {pmi} is already in use. Choose another."),
            ));
        }
        user.pmi = pmi;
    }
    state.store.save_user(&user, old_pmi)?;
    Ok(no_content())
}

#[derive(Deserialize)]
pub struct VanityQuery {
    vanity_name: Option<String>,
}

pub async fn vanity_name(
    State(state): Shared,
    Query(q): Query<VanityQuery>,
) -> ApiResult<Json<Value>> {
    let name = q
        .vanity_name
        .ok_or_else(|| ApiError::field("vanity_name", "Required."))?;
    let user = state.store.user()?;
    let existed = taken_by_another(&state, &name)
        || user
            .vanity_name
            .is_some_and(|own| own.eq_ignore_ascii_case(&name));
    Ok(Json(json!({ "existed": existed })))
}

/// A personal link name another user holds.
fn taken_by_another(state: &AppState, name: &str) -> bool {
    state
        .config
        .taken_vanity_names
        .iter()
        .any(|taken| taken.eq_ignore_ascii_case(name))
}

pub async fn get_settings(
    State(state): Shared,
    Path(user_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let user = resolve_user(&state, &user_id)?;
    Ok(Json(user.settings))
}

/// The settings a user may write here, by section, and the JSON type each takes.
enum Kind {
    Bool,
    Word(&'static [&'static str]),
    Text(usize),
}

const SETTABLE: &[(&str, &str, Kind)] = &[
    ("schedule_meeting", "host_video", Kind::Bool),
    ("schedule_meeting", "participants_video", Kind::Bool),
    ("schedule_meeting", "join_before_host", Kind::Bool),
    ("schedule_meeting", "personal_meeting", Kind::Bool),
    (
        "schedule_meeting",
        "use_pmi_for_instant_meetings",
        Kind::Bool,
    ),
    (
        "schedule_meeting",
        "use_pmi_for_scheduled_meetings",
        Kind::Bool,
    ),
    (
        "schedule_meeting",
        "embed_password_in_join_link",
        Kind::Bool,
    ),
    (
        "schedule_meeting",
        "require_password_for_scheduling_new_meetings",
        Kind::Bool,
    ),
    (
        "schedule_meeting",
        "require_password_for_instant_meetings",
        Kind::Bool,
    ),
    (
        "schedule_meeting",
        "require_password_for_pmi_meetings",
        Kind::Word(&["all", "jbh_only", "none"]),
    ),
    ("schedule_meeting", "pmi_password", Kind::Text(10)),
    ("in_meeting", "waiting_room", Kind::Bool),
];

/// Where a setting's lock lives in the account's lock settings.
fn lock_path(section: &str, key: &str) -> (&'static str, String) {
    match (section, key) {
        ("in_meeting", "waiting_room") => ("meeting_security", "waiting_room".to_owned()),
        ("schedule_meeting", "pmi_password") => ("meeting_security", "pmi_password".to_owned()),
        ("schedule_meeting", "participants_video") => {
            ("schedule_meeting", "participant_video".to_owned())
        }
        (_, key) => ("schedule_meeting", key.to_owned()),
    }
}

pub async fn patch_settings(
    State(state): Shared,
    Path(user_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut user = resolve_user(&state, &user_id)?;
    let map = input::object(&body)?;
    let locks = state.store.lock_settings()?;
    let mut errors = Vec::new();
    let mut changes: Vec<(&str, &str, Value)> = Vec::new();
    for (section, key, kind) in SETTABLE {
        let Some(section_map) = map.get(*section).and_then(Value::as_object) else {
            continue;
        };
        if !section_map.contains_key(*key) {
            continue;
        }
        let mut f = Fields::new(section_map);
        let parsed = match kind {
            Kind::Bool => f.boolean(key).map(Value::Bool),
            Kind::Word(words) => f.word(key, words).map(Value::String),
            Kind::Text(max) => f.string(key, *max).map(Value::String),
        };
        for mut e in f.errors {
            e.field = format!("{section}.{}", e.field);
            errors.push(e);
        }
        if *key == "pmi_password" {
            if let Some(Value::String(p)) = &parsed {
                if let Err(why) = passcode_rules(&user).check(p) {
                    errors.push(crate::error::FieldError {
                        field: "schedule_meeting.pmi_password".into(),
                        message: why,
                    });
                    continue;
                }
            }
        }
        let (lock_section, lock_key) = lock_path(section, key);
        let locked = locks
            .get(lock_section)
            .and_then(|s| s.get(&lock_key))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        // Zoom leaves a locked setting as it is and still answers 204.
        if let (Some(v), false) = (parsed, locked) {
            changes.push((section, key, v));
        }
    }
    if let Some(requirement) = map
        .get("schedule_meeting")
        .and_then(|s| s.get("meeting_password_requirement"))
        .and_then(Value::as_object)
    {
        // The account's passcode rules: the known fields, merged over what is there.
        let mut merged = user
            .setting("schedule_meeting", "meeting_password_requirement")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut f = Fields::nested(
            requirement,
            "schedule_meeting.meeting_password_requirement.",
        );
        if let Some(length) = f.integer("length", 0, 10) {
            merged.insert("length".into(), length.into());
        }
        for key in [
            "have_letter",
            "have_number",
            "have_special_character",
            "only_allow_numeric",
            "have_upper_and_lower_characters",
        ] {
            if let Some(on) = f.boolean(key) {
                merged.insert(key.into(), on.into());
            }
        }
        errors.extend(f.errors);
        changes.push((
            "schedule_meeting",
            "meeting_password_requirement",
            Value::Object(merged),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    for (section, key, value) in changes {
        if key == "pmi_password" {
            if let Some(mut room) = state.store.meeting(user.pmi)? {
                room.password = value.as_str().unwrap_or_default().to_owned();
                state.store.save_meeting(&room)?;
            }
        }
        if let Some(obj) = user
            .settings
            .get_mut(section)
            .and_then(Value::as_object_mut)
        {
            obj.insert(key.to_owned(), value);
        }
    }
    state.store.save_user(&user, user.pmi)?;
    Ok(no_content())
}

pub fn passcode_rules(user: &UserRecord) -> PasscodeRules {
    let req = user
        .setting("schedule_meeting", "meeting_password_requirement")
        .cloned()
        .unwrap_or(Value::Null);
    let flag = |k: &str| req.get(k).and_then(Value::as_bool).unwrap_or(false);
    PasscodeRules {
        min_length: req
            .get("length")
            .and_then(Value::as_u64)
            .and_then(|n| u8::try_from(n).ok())
            .unwrap_or(0),
        have_letter: flag("have_letter"),
        have_number: flag("have_number"),
        have_special_character: flag("have_special_character"),
        only_allow_numeric: flag("only_allow_numeric"),
        have_upper_and_lower_characters: flag("have_upper_and_lower_characters"),
    }
}

fn random_passcode(rules: &PasscodeRules) -> String {
    let mut rng = rand::rng();
    rules.generate(|n| rng.random_range(0..n))
}

/// Reads the meeting fields of a create or update body into `m`, naming every bad field.
fn apply_meeting_fields(
    m: &mut MeetingRecord,
    map: &Map<String, Value>,
    user: &UserRecord,
    locks: &Value,
    creating: bool,
) -> ApiResult<()> {
    let mut f = Fields::new(map);
    if let Some(kind) = f.one_of(
        "type",
        if creating {
            &[1, 2, 3, 8]
        } else {
            &[1, 2, 3, 4, 8]
        },
    ) {
        if m.kind == 4 && kind != 4 {
            f.fail("type", "The personal room stays type 4.");
        } else {
            m.kind = kind;
        }
    }
    if let Some(topic) = f.string("topic", 200) {
        m.topic = topic;
    }
    if let Some(agenda) = f.string("agenda", 2000) {
        m.agenda = agenda;
    }
    if let Some(tz) = f.time_zone("timezone") {
        m.timezone = tz;
    }
    let zone = m.timezone.clone();
    if let Some(start) = f.start_time("start_time", &zone) {
        m.start_time = Some(start);
    }
    if let Some(duration) = f.integer("duration", 1, 1440) {
        m.duration = u32::try_from(duration).ok();
    }
    if f.has("password") {
        if let Some(password) = f.string("password", 10) {
            if password.is_empty() && m.kind == 4 && pmi_passcode_required(user) {
                f.fail(
                    "password",
                    "A passcode is required for your Personal Meeting ID.",
                );
            } else if !password.is_empty() {
                if let Err(why) = passcode_rules(user).check(&password) {
                    f.fail("password", why);
                }
            }
            m.password = password;
        }
    }
    if let Some(recurrence) = f.object("recurrence") {
        let mut r = Fields::nested(recurrence, "recurrence.");
        r.one_of("type", &[1, 2, 3]);
        if !r.has("type") {
            r.fail("type", "Required.");
        }
        r.integer("repeat_interval", 1, 99);
        r.integer("end_times", 1, 60);
        r.integer("monthly_day", 1, 31);
        r.one_of("monthly_week", &[-1, 1, 2, 3, 4]);
        r.one_of("monthly_week_day", &[1, 2, 3, 4, 5, 6, 7]);
        r.string("weekly_days", 13);
        if r.has("end_date_time") {
            r.start_time("end_date_time", &zone);
        }
        f.errors.extend(r.errors);
        m.recurrence = Some(Value::Object(recurrence.clone()));
    }
    // As Zoom: a meeting made instant or scheduled again (type 1 or 2) no longer repeats.
    if matches!(m.kind, 1 | 2) {
        m.recurrence = None;
    }
    let mut requested_use_pmi = None;
    if let Some(settings) = f.object("settings") {
        let mut s = Fields::nested(settings, "settings.");
        let set = |key: &str, value: Value| (key.to_owned(), value);
        let mut updates: Vec<(String, Value)> = Vec::new();
        for key in [
            "host_video",
            "participant_video",
            "join_before_host",
            "mute_upon_entry",
            "waiting_room",
            "watermark",
            "meeting_authentication",
            "email_notification",
            "private_meeting",
            "allow_multiple_devices",
            "focus_mode",
            "show_share_button",
        ] {
            if let Some(b) = s.boolean(key) {
                updates.push(set(key, Value::Bool(b)));
            }
        }
        for (key, allowed) in [
            ("approval_type", &[0, 1, 2][..]),
            ("jbh_time", &[0, 5, 10, 15][..]),
            ("registration_type", &[1, 2, 3][..]),
            ("calendar_type", &[1, 2][..]),
        ] {
            if let Some(n) = s.one_of(key, allowed) {
                updates.push(set(key, Value::from(n)));
            }
        }
        if let Some(audio) = s.word("audio", &["both", "telephony", "voip", "thirdParty"]) {
            updates.push(set("audio", Value::String(audio)));
        }
        if let Some(rec) = s.word("auto_recording", &["local", "cloud", "none"]) {
            updates.push(set("auto_recording", Value::String(rec)));
        }
        if let Some(hosts) = s.string("alternative_hosts", 1024) {
            updates.push(set("alternative_hosts", Value::String(hosts)));
        }
        requested_use_pmi = s.boolean("use_pmi");
        f.errors.extend(s.errors);
        // As Zoom: a setting the account admin locked is left as it is; the request still
        // succeeds.
        updates.retain(|(key, _)| !meeting_setting_locked(locks, key));
        if let Some(target) = m.settings.as_object_mut() {
            target.extend(updates);
        }
    }
    f.finish()?;
    if m.kind != 4 {
        let use_pmi = match m.kind {
            1 => user.flag("schedule_meeting", "use_pmi_for_instant_meetings"),
            2 | 3 => requested_use_pmi.unwrap_or(if creating {
                user.flag("schedule_meeting", "use_pmi_for_scheduled_meetings")
            } else {
                m.use_pmi
            }),
            _ => false,
        };
        if use_pmi && !user.flag("schedule_meeting", "personal_meeting") {
            return Err(ApiError::field(
                "settings.use_pmi",
                "Personal Meeting ID is turned off for this user; enable it in the settings first.",
            ));
        }
        m.use_pmi = use_pmi;
    }
    Ok(())
}

/// Whether the account's lock settings hold a meeting setting.
fn meeting_setting_locked(locks: &Value, key: &str) -> bool {
    let (section, lock) = match key {
        "waiting_room" => ("meeting_security", "waiting_room"),
        "jbh_time" => ("schedule_meeting", "join_before_host"),
        "audio" => ("schedule_meeting", "audio_type"),
        "host_video"
        | "participant_video"
        | "join_before_host"
        | "mute_upon_entry"
        | "meeting_authentication" => ("schedule_meeting", key),
        _ => return false,
    };
    locks
        .get(section)
        .and_then(|s| s.get(lock))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn pmi_passcode_required(user: &UserRecord) -> bool {
    user.setting("schedule_meeting", "require_password_for_pmi_meetings")
        .and_then(Value::as_str)
        == Some("all")
}

/// Counts a meeting create or update against the user's daily cap, or answers Zoom's 429.
fn count_write(state: &AppState, user: &UserRecord) -> ApiResult<()> {
    let now = Utc::now();
    let day = now.format("%Y-%m-%d").to_string();
    let limit = state.config.daily_meeting_limit;
    match state.store.count_usage(&day, &user.id, limit)? {
        Ok(_) => Ok(()),
        Err(_) => {
            let reset = (now.date_naive() + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .map(|t| utc_text(t.and_utc()))
                .unwrap_or_default();
            Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                429,
                format!(
                    "You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API requests \
                     permitted for this particular user. You may resume these requests at GMT 00:00:00."
                ),
            )
            .with_header("x-ratelimit-category", "Medium")
            .with_header("x-ratelimit-type", "Daily-limit")
            .with_header("x-ratelimit-limit", &limit.to_string())
            .with_header("x-ratelimit-remaining", "0")
            .with_header("retry-after", &reset))
        }
    }
}

fn new_meeting_id(state: &AppState) -> ApiResult<u64> {
    let mut rng = rand::rng();
    loop {
        // New Zoom meeting IDs are 11 digits.
        let id = rng.random_range(81_000_000_000u64..99_999_999_999);
        if !state.store.meeting_id_taken(id)? {
            return Ok(id);
        }
    }
}

fn new_uuid() -> String {
    use base64::Engine;
    let bytes: [u8; 16] = rand::rng().random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The meeting settings a new meeting starts from: the user's defaults.
fn default_meeting_settings(user: &UserRecord) -> Value {
    json!({
        "host_video": user.flag("schedule_meeting", "host_video"),
        "participant_video": user.flag("schedule_meeting", "participants_video"),
        "join_before_host": user.flag("schedule_meeting", "join_before_host"),
        "jbh_time": 0,
        "mute_upon_entry": false,
        "watermark": false,
        "approval_type": 2,
        "audio": "voip",
        "auto_recording": "none",
        "waiting_room": user.flag("in_meeting", "waiting_room"),
        "meeting_authentication": false,
        "email_notification": true,
        "use_pmi": false,
    })
}

pub fn personal_room(user: &UserRecord, password: String) -> MeetingRecord {
    MeetingRecord {
        id: user.pmi,
        uuid: new_uuid(),
        kind: 4,
        topic: format!("{}'s Personal Meeting Room", user.display_name),
        agenda: String::new(),
        start_time: None,
        duration: None,
        timezone: user.timezone.clone(),
        password,
        use_pmi: true,
        settings: default_meeting_settings(user),
        recurrence: None,
        status: "waiting".into(),
        created_at: Utc::now(),
    }
}

pub async fn create_meeting(
    State(state): Shared,
    Path(user_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let user = resolve_user(&state, &user_id)?;
    let map = input::object(&body)?;
    let now = Utc::now();
    let mut m = MeetingRecord {
        id: 0,
        uuid: new_uuid(),
        kind: 2,
        topic: format!("{}'s Zoom Meeting", user.display_name),
        agenda: String::new(),
        start_time: None,
        duration: None,
        timezone: user.timezone.clone(),
        password: String::new(),
        use_pmi: false,
        settings: default_meeting_settings(&user),
        recurrence: None,
        status: "waiting".into(),
        created_at: now,
    };
    let locks = state.store.lock_settings()?;
    apply_meeting_fields(&mut m, &map, &user, &locks, true)?;
    if m.kind == 8 && m.recurrence.is_none() {
        return Err(ApiError::field(
            "recurrence",
            "A recurring meeting with a fixed time needs a recurrence.",
        ));
    }
    count_write(&state, &user)?;
    if m.use_pmi {
        let room = state.store.meeting(user.pmi)?;
        m.password = room.map(|r| r.password).unwrap_or_default();
    } else if m.password.is_empty() {
        let required = if m.kind == 1 {
            "require_password_for_instant_meetings"
        } else {
            "require_password_for_scheduling_new_meetings"
        };
        if user.flag("schedule_meeting", required) {
            m.password = random_passcode(&passcode_rules(&user));
        }
    }
    match m.kind {
        1 => {
            m.start_time = Some(now);
            m.duration = m.duration.or(Some(60));
        }
        2 | 8 => {
            m.start_time = m.start_time.or(Some(now));
            m.duration = m.duration.or(Some(60));
        }
        _ => {}
    }
    if m.kind == 1 && m.use_pmi {
        // An instant meeting on the PMI opens the personal room itself; nothing new is stored.
        m.id = user.pmi;
        m.use_pmi = false;
        let room = state.store.meeting(user.pmi)?;
        if let Some(room) = room {
            m.password = room.password;
            m.uuid = room.uuid;
            m.settings = room.settings;
        }
        let mut body = m.to_json(&user, &state.base_url);
        body["settings"]["use_pmi"] = Value::Bool(true);
        return Ok((StatusCode::CREATED, Json(body)).into_response());
    }
    m.id = new_meeting_id(&state)?;
    state.store.insert_meeting(&m)?;
    tracing::info!(
        id = m.id,
        kind = m.kind,
        use_pmi = m.use_pmi,
        "meeting created"
    );
    Ok((StatusCode::CREATED, Json(m.to_json(&user, &state.base_url))).into_response())
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    page_size: Option<String>,
    next_page_token: Option<String>,
}

/// Page tokens carry the (start time, id) key of the last meeting shown, the list type and when
/// they were issued; they expire after 15 minutes, as Zoom's do.
fn encode_page_token(kind: &str, start: &str, id: u64) -> String {
    use base64::Engine;
    let raw = format!("{}|{kind}|{start}|{id}", Utc::now().timestamp());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode_page_token(token: &str, kind: &str) -> Option<(String, u64)> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let raw = String::from_utf8(raw).ok()?;
    let mut parts = raw.splitn(4, '|');
    let issued: i64 = parts.next()?.parse().ok()?;
    let token_kind = parts.next()?;
    let start = parts.next()?.to_owned();
    let id = parts.next()?.parse().ok()?;
    let fresh = Utc::now().timestamp() - issued <= 15 * 60;
    (fresh && token_kind == kind).then_some((start, id))
}

pub async fn list_meetings(
    State(state): Shared,
    Path(user_id): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    let user = resolve_user(&state, &user_id)?;
    let kind_name = q.kind.unwrap_or_else(|| "scheduled".into());
    let kind = match kind_name.as_str() {
        "scheduled" => ListKind::Scheduled,
        "live" => ListKind::Live,
        "upcoming" | "upcoming_meetings" => ListKind::Upcoming,
        "previous_meetings" => ListKind::Previous,
        _ => {
            return Err(ApiError::field(
                "type",
                "Use scheduled, live, upcoming, upcoming_meetings or previous_meetings.",
            ))
        }
    };
    let page_size = match q.page_size.as_deref() {
        None => 30,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n >= 1 => n.min(300),
            _ => {
                return Err(ApiError::field(
                    "page_size",
                    "Must be a whole number from 1 to 300.",
                ))
            }
        },
    };
    let after = match q.next_page_token.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => Some(decode_page_token(token, &kind_name).ok_or_else(|| {
            ApiError::bad_request(300, "The next page token is invalid or expired.")
        })?),
    };
    let now = Utc::now();
    let (rows, total) = state.store.list_meetings(kind, now, after, page_size + 1)?;
    let has_more = rows.len() > page_size;
    let page: Vec<&MeetingRecord> = rows.iter().take(page_size).collect();
    let next = match (has_more, page.last()) {
        (true, Some(last)) => encode_page_token(
            &kind_name,
            &last.start_time.map(utc_text).unwrap_or_default(),
            last.id,
        ),
        _ => String::new(),
    };
    let meetings: Vec<Value> = page
        .iter()
        .map(|m| m.to_list_json(&user, &state.base_url, now))
        .collect();
    Ok(Json(json!({
        "page_size": page_size,
        "total_records": total,
        "next_page_token": next,
        "meetings": meetings,
    })))
}

fn parse_meeting_id(text: &str) -> ApiResult<u64> {
    text.parse::<u64>()
        .map_err(|_| ApiError::meeting_not_found(text))
}

fn find_meeting(state: &AppState, id: u64) -> ApiResult<MeetingRecord> {
    state
        .store
        .meeting(id)?
        .ok_or_else(|| ApiError::meeting_not_found(id))
}

pub async fn get_meeting(State(state): Shared, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let id = parse_meeting_id(&id)?;
    let user = state.store.user()?;
    let m = find_meeting(&state, id)?;
    Ok(Json(m.to_json(&user, &state.base_url)))
}

pub async fn patch_meeting(
    State(state): Shared,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let id = parse_meeting_id(&id)?;
    let mut user = state.store.user()?;
    let mut m = find_meeting(&state, id)?;
    let map = input::object(&body)?;
    let locks = state.store.lock_settings()?;
    apply_meeting_fields(&mut m, &map, &user, &locks, false)?;
    count_write(&state, &user)?;
    if m.kind == 4 {
        // The personal room's passcode is the account's PMI passcode.
        if let Some(obj) = user
            .settings
            .get_mut("schedule_meeting")
            .and_then(Value::as_object_mut)
        {
            obj.insert("pmi_password".into(), Value::String(m.password.clone()));
        }
        state.store.save_user(&user, user.pmi)?;
    }
    state.store.save_meeting(&m)?;
    Ok(no_content())
}

pub async fn delete_meeting(State(state): Shared, Path(id): Path<String>) -> ApiResult<Response> {
    let id = parse_meeting_id(&id)?;
    let m = find_meeting(&state, id)?;
    if m.kind == 4 {
        return Err(ApiError::bad_request(3018, "Not allowed to delete PMI."));
    }
    state.store.set_deleted(id, true)?;
    Ok(no_content())
}

pub async fn invitation(State(state): Shared, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let id = parse_meeting_id(&id)?;
    let user = state.store.user()?;
    let m = find_meeting(&state, id)?;
    let text = invitation_text(&user, &m, &state.base_url)?;
    Ok(Json(
        json!({ "invitation": text.replace('\n', "\r\n"), "sip_links": [] }),
    ))
}

pub fn invitation_text(user: &UserRecord, m: &MeetingRecord, base: &str) -> ApiResult<String> {
    let number = m.join_number(user);
    let meeting_id = MeetingId::new(number).map_err(ApiError::internal)?;
    let join_link = JoinLink::parse(&m.join_link(user, base)).map_err(ApiError::internal)?;
    let subject = match (m.kind, m.start_time) {
        (4, _) => InvitationSubject::PersonalRoom,
        (2 | 8, Some(start)) => InvitationSubject::Scheduled {
            topic: m.topic.clone(),
            start,
            time_zone: m.timezone.clone(),
        },
        _ => InvitationSubject::Unscheduled {
            topic: m.topic.clone(),
        },
    };
    Invitation {
        host_name: user.display_name.clone(),
        subject,
        join_link,
        meeting_id,
        passcode: Some(m.password.clone()),
    }
    .text()
    .map_err(ApiError::internal)
}

pub async fn meeting_status(
    State(state): Shared,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let id = parse_meeting_id(&id)?;
    let map = input::object(&body)?;
    let mut f = Fields::new(&map);
    let action = f.word("action", &["end", "recover"]);
    if !f.has("action") {
        f.fail("action", "Required: end or recover.");
    }
    f.finish()?;
    match action.as_deref() {
        Some("end") => {
            let mut m = find_meeting(&state, id)?;
            m.status = "waiting".into();
            state.store.save_meeting(&m)?;
        }
        _ => {
            if state.store.deleted_meeting(id)?.is_none() {
                return Err(ApiError::meeting_not_found(id));
            }
            state.store.set_deleted(id, false)?;
        }
    }
    Ok(no_content())
}

/// Only the account's admin (an account-credentials token) reads or changes lock settings.
fn require_admin(role: Role, scope: &str) -> ApiResult<()> {
    match role {
        Role::Admin => Ok(()),
        Role::User => Err(ApiError::missing_scopes(scope)),
    }
}

fn check_account(state: &AppState, account_id: &str) -> ApiResult<()> {
    if account_id == "me" || account_id == state.store.account_id()? {
        Ok(())
    } else {
        Err(ApiError::bad_request(200, "No permission."))
    }
}

#[derive(Deserialize)]
pub struct LockQuery {
    option: Option<String>,
}

/// As Zoom: the main sections by default, only `meeting_security` with `option=meeting_security`.
pub async fn get_lock_settings(
    State(state): Shared,
    Extension(role): Extension<Role>,
    Path(account_id): Path<String>,
    Query(q): Query<LockQuery>,
) -> ApiResult<Json<Value>> {
    require_admin(role, "account:read:lock_settings:admin")?;
    check_account(&state, &account_id)?;
    let mut locks = state.store.lock_settings()?;
    let security = locks
        .as_object_mut()
        .and_then(|l| l.remove("meeting_security"))
        .unwrap_or(Value::Null);
    if q.option.as_deref() == Some("meeting_security") {
        return Ok(Json(json!({ "meeting_security": security })));
    }
    Ok(Json(locks))
}

pub async fn patch_lock_settings(
    State(state): Shared,
    Extension(role): Extension<Role>,
    Path(account_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    require_admin(role, "account:update:lock_settings:admin")?;
    check_account(&state, &account_id)?;
    let map = input::object(&body)?;
    let mut locks = state.store.lock_settings()?;
    let mut errors = Vec::new();
    for (section, value) in &map {
        let (Some(incoming), Some(current)) = (
            value.as_object(),
            locks.get_mut(section).and_then(Value::as_object_mut),
        ) else {
            continue;
        };
        for (key, flag) in incoming {
            if !current.contains_key(key) {
                continue;
            }
            match flag {
                Value::Bool(b) => {
                    current.insert(key.clone(), Value::Bool(*b));
                }
                _ => errors.push(crate::error::FieldError {
                    field: format!("{section}.{key}"),
                    message: "Must be true or false.".into(),
                }),
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    state.store.save_lock_settings(&locks)?;
    Ok(no_content())
}
