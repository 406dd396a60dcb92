//! What the app does, in the user's words: show the personal room and the meetings, start and
//! schedule meetings, copy links and invitations. Commands and tray actions call these; the
//! rules themselves live in `pmi-core`, Zoom's API in `zoom-api`.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Local, Utc};
use pmi_core::{
    check_pmi_schedule, ics_event, DesktopLink, Meeting, MeetingId, MeetingKind,
    PmiPasscodeRequirement, PmiSettings, PmiSlot, Profile, ScheduleRequest, ValidSchedule,
};
use zoom_api::{ListKind, MeetingUpdate, NewMeeting, SettingsUpdate};

use crate::error::Error;
use crate::state::Account;
use crate::store::{CacheFile, PreferencesFile};
use crate::views::{
    MeetingView, OpenIn, Overview, PasscodeRulesView, PersonalRoomView, PmiChoice, Preferences,
    ScheduleWarningView, Scheduled, Started,
};

/// How long Zoom's `start_url` stays valid.
const START_URL_LIFETIME: Duration = Duration::hours(2);

pub struct Desk {
    account: Account,
    prefs: PreferencesFile,
    cache: CacheFile,
    /// Where "Other Calendars" writes `.ics` files.
    calendar_dir: PathBuf,
}

impl Desk {
    pub fn new(account: Account, data_dir: &std::path::Path, calendar_dir: PathBuf) -> Self {
        Self {
            account,
            prefs: PreferencesFile::open(data_dir.join("preferences.json")),
            cache: CacheFile::open(data_dir.join("cache.json")),
            calendar_dir,
        }
    }

    fn zoom(&self) -> &zoom_api::ZoomClient {
        &self.account.zoom
    }

    // ---- the personal room ----------------------------------------------------------------

    /// Reads the personal room from the service and keeps a copy for when it cannot be reached.
    async fn fetch_room(
        &self,
        settings: &PmiSettings,
        profile: Profile,
    ) -> Result<PersonalRoomView, Error> {
        if !settings.personal_meeting {
            return Err(Error::NoPmi);
        }
        let pmi = profile.pmi.ok_or(Error::NoPmi)?;
        let (room, invitation) = tokio::try_join!(
            self.zoom().meeting(pmi.meeting_id()),
            self.zoom().invitation(pmi.meeting_id())
        )?;
        let view = PersonalRoomView {
            display_name: profile.display_name,
            pmi: pmi.get(),
            pmi_formatted: pmi.formatted(),
            personal_link: profile
                .personal_link()
                .map_or_else(|| room.join_link.to_string(), str::to_owned),
            join_link: room.join_link.to_string(),
            passcode: room.passcode.clone(),
            waiting_room: room.waiting_room,
            invitation,
            offline: false,
        };
        let start_url = room.start_url.clone();
        let saved = view.clone();
        if let Err(err) = self.cache.update(move |c| {
            c.room = Some(saved);
            c.room_start_url = start_url;
            c.room_read_at = Some(Utc::now());
        }) {
            tracing::warn!(%err, "cannot save the personal room for offline use");
        }
        Ok(view)
    }

    /// The personal room, or the last one seen (marked offline) when the service is unreachable.
    pub async fn personal_room(&self) -> Result<PersonalRoomView, Error> {
        let fetched = async {
            let (settings, profile) = tokio::try_join!(self.zoom().settings(), self.zoom().me())?;
            self.fetch_room(&settings, profile).await
        }
        .await;
        match fetched {
            Ok(room) => Ok(room),
            Err(err) if err.is_unreachable() => self.cached_room().ok_or(err),
            Err(err) => Err(err),
        }
    }

    /// The last personal room seen, at once and without the network.
    pub fn cached_room(&self) -> Option<PersonalRoomView> {
        self.cache.get().room.map(|room| PersonalRoomView {
            offline: true,
            ..room
        })
    }

    /// Everything the Meetings tab shows, read in parallel.
    pub async fn overview(&self) -> Result<Overview, Error> {
        let (settings, profile) = tokio::try_join!(self.zoom().settings(), self.zoom().me())?;
        let (room, meetings, instant_pmi) = tokio::try_join!(
            self.fetch_room(&settings, profile),
            self.upcoming(),
            self.instant_choice(&settings),
        )?;
        let rules = &settings.passcode_rules;
        Ok(Overview {
            room,
            instant_pmi,
            schedule_on_pmi_by_default: settings.use_pmi_for_scheduled_meetings,
            passcode_rules: PasscodeRulesView {
                min_length: rules.min_length.max(1),
                max_length: pmi_core::PASSCODE_MAX_LENGTH as u8,
                have_letter: rules.have_letter,
                have_number: rules.have_number,
                have_special_character: rules.have_special_character,
                only_allow_numeric: rules.only_allow_numeric,
            },
            meetings: meetings.iter().map(MeetingView::from).collect(),
        })
    }

    /// Upcoming scheduled meetings, soonest first.
    pub async fn upcoming(&self) -> Result<Vec<Meeting>, Error> {
        let mut meetings = self.zoom().list_all_meetings(ListKind::Upcoming).await?;
        meetings.sort_by_key(|m| (m.start, m.id));
        Ok(meetings)
    }

    /// The next meeting that has not ended yet today (local time), for the tray.
    pub async fn next_meeting_today(&self) -> Result<Option<MeetingView>, Error> {
        let meetings: Vec<MeetingView> = self
            .upcoming()
            .await?
            .iter()
            .map(MeetingView::from)
            .collect();
        Ok(next_today(&meetings).cloned())
    }

    // ---- "Use my Personal Meeting ID (PMI)" -----------------------------------------------

    /// The check item's state. Locks can be read by an admin (the built-in account is one);
    /// otherwise a lock is known only from a write that did not hold, remembered in the cache.
    async fn instant_choice(&self, settings: &PmiSettings) -> Result<PmiChoice, Error> {
        let locked = match self.zoom().lock_settings("me").await {
            Ok(locks) => locks
                .schedule_meeting
                .and_then(|s| s.use_pmi_for_instant_meetings)
                .unwrap_or(false),
            Err(zoom_api::Error::MissingScopes(_) | zoom_api::Error::Api { .. }) => {
                self.cache.get().instant_pmi.is_some_and(|c| c.locked)
            }
            Err(other) => return Err(other.into()),
        };
        Ok(PmiChoice {
            checked: settings.use_pmi_for_instant_meetings,
            locked,
        })
    }

    /// Writes `use_pmi_for_instant_meetings`, reads it back, and reports a lock when the value
    /// did not change.
    pub async fn set_instant_pmi(&self, checked: bool) -> Result<PmiChoice, Error> {
        self.zoom()
            .update_settings(&SettingsUpdate {
                use_pmi_for_instant_meetings: Some(checked),
                ..SettingsUpdate::default()
            })
            .await?;
        let settings = self.zoom().settings().await?;
        let mut choice = self.instant_choice(&settings).await?;
        choice.locked |= settings.use_pmi_for_instant_meetings != checked;
        let remembered = choice;
        if let Err(err) = self.cache.update(move |c| c.instant_pmi = Some(remembered)) {
            tracing::warn!(%err, "cannot remember the PMI choice");
        }
        Ok(choice)
    }

    // ---- starting -------------------------------------------------------------------------

    fn start_link(&self, meeting: &Meeting) -> String {
        match self.prefs.get().open_in {
            OpenIn::ZoomApp => DesktopLink::start(meeting.join_number()).to_string(),
            OpenIn::Browser => meeting
                .start_url
                .clone()
                .unwrap_or_else(|| meeting.join_link.to_string()),
        }
    }

    /// New Meeting: an instant meeting, on the PMI when the account says so. The caller opens
    /// `opened`.
    pub async fn new_meeting(&self) -> Result<Started, Error> {
        let name = self.cached_room().map(|r| r.display_name);
        let name = match name {
            Some(name) => name,
            None => self.zoom().me().await?.display_name,
        };
        let meeting = self
            .zoom()
            .create_meeting(&NewMeeting::instant(format!("{name}'s Zoom Meeting")))
            .await?;
        Ok(Started {
            opened: self.start_link(&meeting),
            meeting: MeetingView::from(&meeting),
        })
    }

    /// Start on a listed meeting: re-read for a fresh `start_url` (it expires after two hours).
    pub async fn start_meeting(&self, id: u64) -> Result<Started, Error> {
        let meeting = self.zoom().meeting(MeetingId::new(id)?).await?;
        Ok(Started {
            opened: self.start_link(&meeting),
            meeting: MeetingView::from(&meeting),
        })
    }

    /// The link that starts the personal room: from the cache at once when it is fresh enough,
    /// otherwise read again; when the service cannot be reached, the last link known.
    pub async fn personal_room_start_link(&self) -> Result<String, Error> {
        let prefs = self.prefs.get();
        let mut cached = self.cache.get();
        let fresh = cached
            .room_read_at
            .is_some_and(|at| Utc::now() - at < START_URL_LIFETIME - Duration::minutes(5));
        if cached.room.is_none() || (prefs.open_in == OpenIn::Browser && !fresh) {
            // Read again; when the service cannot be reached this keeps the last room known.
            self.personal_room().await?;
            cached = self.cache.get();
        }
        let room = cached.room.ok_or(Error::NoPmi)?;
        Ok(match prefs.open_in {
            OpenIn::ZoomApp => DesktopLink::start(MeetingId::new(room.pmi)?).to_string(),
            OpenIn::Browser => cached.room_start_url.unwrap_or(room.join_link),
        })
    }

    // ---- scheduling -----------------------------------------------------------------------

    async fn validate(&self, request: &ScheduleRequest) -> Result<ValidSchedule, Error> {
        let settings = self.zoom().settings().await?;
        request
            .validate(&settings.passcode_rules, Utc::now())
            .map_err(Error::InvalidFields)
    }

    /// Warnings for a PMI meeting that overlaps or runs back-to-back with another PMI meeting.
    /// An incomplete form has no warnings yet.
    pub async fn check_schedule(
        &self,
        request: &ScheduleRequest,
        editing: Option<u64>,
    ) -> Result<Vec<ScheduleWarningView>, Error> {
        let Ok(valid) = self.validate(request).await else {
            return Ok(Vec::new());
        };
        let candidate = PmiSlot {
            meeting_id: editing.map(MeetingId::new).transpose()?,
            topic: valid.topic.clone(),
            start: valid.start,
            duration_minutes: valid.duration_minutes,
            on_pmi: valid.use_pmi,
        };
        let others: Vec<PmiSlot> = self
            .upcoming()
            .await?
            .iter()
            .filter_map(|m| {
                Some(PmiSlot {
                    meeting_id: Some(m.id),
                    topic: m.topic.clone(),
                    start: m.start?,
                    duration_minutes: m.duration_minutes?,
                    on_pmi: m.on_pmi,
                })
            })
            .collect();
        let gap = Duration::minutes(i64::from(self.prefs.get().back_to_back_minutes));
        Ok(check_pmi_schedule(&candidate, &others, gap)
            .iter()
            .map(ScheduleWarningView::from)
            .collect())
    }

    /// Save in the Schedule dialog. Nothing is created when a field is wrong; a failure leaves
    /// the dialog's fields to the UI, which keeps them.
    pub async fn schedule(
        &self,
        request: &ScheduleRequest,
        calendar_file: bool,
    ) -> Result<Scheduled, Error> {
        let v = self.validate(request).await?;
        let meeting = self
            .zoom()
            .create_meeting(&NewMeeting {
                topic: v.topic.clone(),
                kind: if v.recurrence.is_some() {
                    MeetingKind::RecurringFixedTime
                } else {
                    MeetingKind::Scheduled
                },
                start: Some(v.start),
                duration_minutes: Some(v.duration_minutes),
                time_zone: Some(v.time_zone.clone()),
                agenda: None,
                passcode: v.passcode.clone(),
                use_pmi: v.use_pmi,
                waiting_room: Some(v.waiting_room),
                host_video: Some(v.host_video),
                participant_video: Some(v.participant_video),
                recurrence: v.recurrence.clone(),
            })
            .await?;
        let calendar_file = if calendar_file {
            Some(self.write_calendar_file(&meeting).await?)
        } else {
            None
        };
        Ok(Scheduled {
            meeting: MeetingView::from(&meeting),
            calendar_file,
        })
    }

    /// Edit on a listed meeting: the same checks as scheduling, then an update.
    pub async fn update_meeting(
        &self,
        id: u64,
        request: &ScheduleRequest,
    ) -> Result<MeetingView, Error> {
        let v = self.validate(request).await?;
        let id = MeetingId::new(id)?;
        self.zoom()
            .update_meeting(
                id,
                &MeetingUpdate {
                    topic: Some(v.topic),
                    start: Some(v.start),
                    duration_minutes: Some(v.duration_minutes),
                    time_zone: Some(v.time_zone),
                    passcode: v.passcode,
                    use_pmi: Some(v.use_pmi),
                    waiting_room: Some(v.waiting_room),
                    host_video: Some(v.host_video),
                    participant_video: Some(v.participant_video),
                    recurrence: v.recurrence,
                    agenda: None,
                },
            )
            .await?;
        Ok(MeetingView::from(&self.zoom().meeting(id).await?))
    }

    pub async fn delete_meeting(&self, id: u64) -> Result<(), Error> {
        Ok(self.zoom().delete_meeting(MeetingId::new(id)?).await?)
    }

    async fn write_calendar_file(&self, meeting: &Meeting) -> Result<String, Error> {
        let invitation = self.zoom().invitation(meeting.id).await?;
        let ics = ics_event(meeting, &invitation, Utc::now()).ok_or(Error::NoStartTime)?;
        let name: String = meeting
            .topic
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let path = self
            .calendar_dir
            .join(format!("{}-{}.ics", name.trim_matches('-'), meeting.id));
        std::fs::create_dir_all(&self.calendar_dir).map_err(Error::file)?;
        std::fs::write(&path, ics).map_err(Error::file)?;
        Ok(path.display().to_string())
    }

    // ---- copying and sharing --------------------------------------------------------------

    /// The invitation of a meeting, or of the personal room (`None`), from the cache when fresh.
    pub async fn invitation(&self, meeting: Option<u64>) -> Result<String, Error> {
        match meeting {
            Some(id) => Ok(self.zoom().invitation(MeetingId::new(id)?).await?),
            None => match self.cached_room() {
                Some(room) => Ok(room.invitation),
                None => Ok(self.personal_room().await?.invitation),
            },
        }
    }

    /// The personal link, at once from the cache when there is one.
    pub async fn personal_link(&self) -> Result<String, Error> {
        match self.cached_room() {
            Some(room) => Ok(room.personal_link),
            None => Ok(self.personal_room().await?.personal_link),
        }
    }

    /// The PMI's join link (the "Join Zoom Meeting" section).
    pub async fn join_link(&self) -> Result<String, Error> {
        match self.cached_room() {
            Some(room) => Ok(room.join_link),
            None => Ok(self.personal_room().await?.join_link),
        }
    }

    /// A `mailto:` link with the personal room's invitation.
    pub async fn invitation_email(&self) -> Result<String, Error> {
        let room = match self.cached_room() {
            Some(room) => room,
            None => self.personal_room().await?,
        };
        let mut url = url::Url::parse("mailto:").map_err(|e| Error::Open(e.to_string()))?;
        url.query_pairs_mut()
            .append_pair(
                "subject",
                &format!("{}'s Personal Meeting Room", room.display_name),
            )
            .append_pair("body", &room.invitation);
        // mailto wants %20 for spaces, not '+'.
        Ok(url.as_str().replace('+', "%20"))
    }

    // ---- the personal room's options ------------------------------------------------------

    /// The Waiting Room and passcode switches of the PMI window: written, then read back.
    pub async fn set_room_options(
        &self,
        waiting_room: Option<bool>,
        passcode: Option<bool>,
    ) -> Result<PersonalRoomView, Error> {
        let (settings, profile) = tokio::try_join!(self.zoom().settings(), self.zoom().me())?;
        let pmi = profile.pmi.ok_or(Error::NoPmi)?.meeting_id();
        let mut update = MeetingUpdate {
            waiting_room,
            ..MeetingUpdate::default()
        };
        match passcode {
            Some(false) => {
                self.zoom()
                    .update_settings(&SettingsUpdate {
                        pmi_passcode_requirement: Some(PmiPasscodeRequirement::None),
                        ..SettingsUpdate::default()
                    })
                    .await?;
                update.passcode = Some(String::new());
            }
            Some(true) => {
                self.zoom()
                    .update_settings(&SettingsUpdate {
                        pmi_passcode_requirement: Some(PmiPasscodeRequirement::All),
                        ..SettingsUpdate::default()
                    })
                    .await?;
                let room = self.zoom().meeting(pmi).await?;
                if room.passcode.is_none() {
                    update.passcode = Some(new_passcode(&settings));
                }
            }
            None => {}
        }
        self.zoom().update_meeting(pmi, &update).await?;
        let settings = self.zoom().settings().await?;
        self.fetch_room(&settings, profile).await
    }

    // ---- preferences ----------------------------------------------------------------------

    pub fn preferences(&self) -> Preferences {
        self.prefs.get()
    }

    pub fn set_preferences(&self, new: Preferences) -> Result<Preferences, Error> {
        if new.back_to_back_minutes > 240 {
            return Err(Error::InvalidFields(vec![pmi_core::FieldProblem {
                field: "back_to_back_minutes".into(),
                message: "Choose a gap from 0 to 240 minutes.".into(),
            }]));
        }
        self.prefs.update(|p| *p = new).map_err(Error::file)
    }
}

/// A passcode that meets the account's rules: digits, with a letter when one is required.
fn new_passcode(settings: &PmiSettings) -> String {
    use rand::Rng;
    let rules = &settings.passcode_rules;
    let len = usize::from(rules.min_length.clamp(6, 10));
    let mut rng = rand::rng();
    loop {
        let code: String = (0..len)
            .map(|i| {
                if !rules.only_allow_numeric && i == 0 {
                    char::from(b'a' + rng.random_range(0..26))
                } else {
                    char::from(b'0' + rng.random_range(0..10))
                }
            })
            .collect();
        if rules.check(&code).is_ok() {
            return code;
        }
    }
}

/// A meeting's start in local time, "09:30", for the tray's next-meeting item.
pub fn local_time(start: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(start)
        .ok()
        .map(|t| t.with_timezone(&Local).format("%H:%M").to_string())
}

/// The first listed meeting that has not ended yet today (local time).
pub fn next_today(meetings: &[MeetingView]) -> Option<&MeetingView> {
    let now = Utc::now();
    let today = Local::now().date_naive();
    meetings.iter().find(|m| {
        let start = m
            .start
            .as_deref()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|s| s.with_timezone(&Utc));
        match (start, m.duration_minutes) {
            (Some(start), Some(minutes)) => {
                start.with_timezone(&Local).date_naive() == today
                    && start + Duration::minutes(i64::from(minutes)) > now
            }
            _ => false,
        }
    })
}
