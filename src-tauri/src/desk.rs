//! What the app does, in the user's words: show the personal room and the meetings, start and
//! schedule meetings, copy links and invitations. Commands and tray actions call these; the
//! rules themselves live in `pmi-core`, Zoom's API in `zoom-api`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Duration, Local, Utc};
use pmi_core::{
    check_pmi_occurrences, ics_event, occurrence_slots, DesktopLink, DesktopLinkAction, Joinable,
    Meeting, MeetingId, MeetingKind, PmiPasscodeRequirement, PmiSettings, PmiSlot, Profile,
    ScheduleRequest, ValidSchedule, RECURRENCE_HORIZON_DAYS,
};
use tokio::sync::watch;
use zoom_api::{
    AuthorizationRequest, ListKind, LockSettings, MeetingUpdate, NewMeeting, SettingsUpdate,
    UserUpdate,
};

use crate::account::{
    account_dir, new_keychain_entry, saving_rotations, AccountRecord, Current, Launch, Patience,
    Session, ZoomAccount, ZoomEndpoints,
};
use crate::error::Error;
use crate::keychain::{Keychain, KeychainError, TokenEntry};
use crate::sign_in::{LoopbackRedirect, SignInError};
use crate::store::{JsonFile, PreferencesFile};
use crate::views::{
    AccountKind, AccountView, ClientIdSource, ErrorBody, JoinOffer, JoinView, MeetingView,
    NewMeetingDefaults, OpenIn, Overview, PasscodeRulesView, PersonalRoomView, PmiChoice,
    Preferences, RoomChange, RoomLocks, RoomSettings, ScheduleWarningView, Scheduled, Started,
};

/// How long Zoom's `start_url` stays valid.
const START_URL_LIFETIME: Duration = Duration::hours(2);

/// The scopes PMI Desk asks a Zoom account for (granular scopes, as Zoom's notes list them).
pub const ZOOM_SCOPES: &[&str] = &[
    "user:read:user",
    "user:read:settings",
    "user:update:settings",
    "meeting:read:list_meetings",
    "meeting:read:list_upcoming_meetings",
    "meeting:read:meeting",
    "meeting:write:meeting",
    "meeting:update:meeting",
    "meeting:delete:meeting",
    "meeting:read:invitation",
    "meeting:update:status",
    "user:read:zak",
];

/// Where "Sign in with Zoom" goes and with which app: from the environment when the app
/// started, else from Settings, else compiled in.
#[derive(Debug, Clone, Default)]
pub struct ZoomSignIn {
    /// `PMI_DESK_ZOOM_CLIENT_ID` at start.
    pub client_id_from_env: Option<String>,
    /// `PMI_DESK_ZOOM_CLIENT_ID` when the app was built.
    pub client_id_built_in: Option<String>,
    pub endpoints: ZoomEndpoints,
    pub patience: Patience,
}

/// A sign-in waiting for the browser: the page to open, then `finish_sign_in`.
pub struct PendingSignIn {
    id: u64,
    request: AuthorizationRequest,
    redirect: LoopbackRedirect,
    endpoints: ZoomEndpoints,
    cancel: watch::Receiver<bool>,
}

impl PendingSignIn {
    /// Zoom's authorize page, to open in the system browser.
    pub fn url(&self) -> &str {
        self.request.url().as_str()
    }
}

/// The sign-in under way: its number, and the switch that cancels it.
struct SignInUnderWay {
    id: u64,
    cancel: watch::Sender<bool>,
}

pub struct Desk {
    prefs: PreferencesFile,
    /// Which account is in use (`account.json`; no secret in it).
    account_file: JsonFile<AccountRecord>,
    current: RwLock<Arc<Current>>,
    launch: Arc<Launch>,
    zoom_sign_in: ZoomSignIn,
    /// The sign-in under way, if one is.
    signing_in: Mutex<Option<SignInUnderWay>>,
    sign_ins: std::sync::atomic::AtomicU64,
    /// Where "Other Calendars" writes `.ics` files.
    calendar_dir: PathBuf,
    /// The clipboard texts offered for Join lately, so one link is offered once.
    join_offered: Mutex<std::collections::VecDeque<String>>,
    /// The overview read as the app starts (`warm_up`), given once: in the window's page as it
    /// is served (`launch_overview_ready`), or else to the window's first ask.
    launch_overview: tokio::sync::OnceCell<Option<LaunchOverview>>,
    launch_overview_asked: std::sync::atomic::AtomicBool,
    warmed_up: std::sync::atomic::AtomicBool,
}

/// An overview read while the window loaded: which account it is of, and when it was read.
struct LaunchOverview {
    /// Weak, so an account signed out of is not kept alive (the built-in one owns its service).
    account: std::sync::Weak<Current>,
    read_at: std::time::Instant,
    overview: Overview,
}

/// How old the overview read at launch may be when the window's page is served or the window
/// first asks. A window that opens later (the app started into the tray at login) reads anew.
const LAUNCH_OVERVIEW_FRESH: std::time::Duration = std::time::Duration::from_secs(10);

impl Desk {
    /// The desk on `data_dir`; the account starts when first used, so this does no network or
    /// keychain call.
    pub fn new(
        data_dir: &Path,
        calendar_dir: PathBuf,
        local_faults: bool,
        zoom_sign_in: ZoomSignIn,
    ) -> Self {
        move_old_cache(data_dir);
        let launch = Arc::new(Launch {
            data_dir: data_dir.to_path_buf(),
            local_faults,
            keychain: Keychain::new(zoom_sign_in.patience.keychain),
        });
        let account_file = JsonFile::<AccountRecord>::open(data_dir.join("account.json"));
        let current = Current::new(account_file.get(), launch.clone());
        Self {
            prefs: PreferencesFile::open(data_dir.join("preferences.json")),
            account_file,
            current: RwLock::new(Arc::new(current)),
            launch,
            zoom_sign_in,
            signing_in: Mutex::new(None),
            sign_ins: std::sync::atomic::AtomicU64::new(0),
            calendar_dir,
            join_offered: Mutex::new(std::collections::VecDeque::new()),
            launch_overview: tokio::sync::OnceCell::new(),
            launch_overview_asked: std::sync::atomic::AtomicBool::new(false),
            warmed_up: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The account in use. An operation holds on to it, so what it reads and caches stays with
    /// that account even if the user signs in or out meanwhile.
    fn current(&self) -> Arc<Current> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn switch_to(&self, next: Current) -> Arc<Current> {
        let next = Arc::new(next);
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        std::mem::replace(&mut *current, next)
    }

    // ---- the account ------------------------------------------------------------------------

    /// The loopback `http:` origins the app talks to (the local service, or a service playing
    /// Zoom in development): the only `http:` links it opens.
    pub fn loopback_origins(&self) -> Vec<url::Origin> {
        let current = self.current();
        let mut candidates: Vec<String> = vec![self.zoom_sign_in.endpoints.oauth_url.clone()];
        if let Some(session) = current.started() {
            candidates.push(session.zoom.api_base().to_string());
        }
        if let AccountRecord::Zoom(z) = &current.record {
            candidates.extend([z.oauth_url.clone(), z.api_url.clone()]);
        }
        candidates
            .iter()
            .filter_map(|c| url::Url::parse(c).ok())
            .filter(|u| {
                u.scheme() == "http"
                    && matches!(u.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
            })
            .map(|u| u.origin())
            .collect()
    }

    /// Starts the account in use and reads the overview while the window loads (the app calls it
    /// at launch), so the window's page carries it, or its first ask is answered at once, with
    /// no second read. A read that fails is only logged: the window's first ask reads again and
    /// says why to the user.
    pub async fn warm_up(&self) {
        self.warmed_up
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.launch_overview().await;
    }

    /// The overview read at launch: read once, by `warm_up` (the window's first ask waits for
    /// it while it is under way).
    async fn launch_overview(&self) -> Option<&LaunchOverview> {
        self.launch_overview
            .get_or_init(|| async {
                let account = Arc::downgrade(&self.current());
                match self.overview_now().await {
                    Ok(overview) => Some(LaunchOverview {
                        account,
                        read_at: std::time::Instant::now(),
                        overview,
                    }),
                    Err(err) => {
                        tracing::warn!(%err, "the overview could not be read at launch");
                        None
                    }
                }
            })
            .await
            .as_ref()
    }

    /// The account in use and how sign-in is set up, for Settings.
    pub fn account(&self) -> AccountView {
        let current = self.current();
        let (client_id, client_id_source) = self.client_id(None);
        let (display_name, email) = match &current.record {
            AccountRecord::Local => (None, None),
            AccountRecord::Zoom(z) => (Some(z.display_name.clone()), Some(z.email.clone())),
        };
        AccountView {
            kind: match current.record {
                AccountRecord::Local => AccountKind::Local,
                AccountRecord::Zoom(_) => AccountKind::Zoom,
            },
            display_name,
            email,
            keychain_problem: current.keychain_problem(),
            client_id,
            client_id_source,
            signing_in: self
                .signing_in
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_some(),
            notice: None,
        }
    }

    /// The Client ID to sign in with: the environment's, else the one typed in Settings, else
    /// the one saved in Settings, else the built-in one.
    fn client_id(&self, typed: Option<&str>) -> (Option<String>, ClientIdSource) {
        let nonempty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        if let Some(id) = self
            .zoom_sign_in
            .client_id_from_env
            .as_deref()
            .and_then(nonempty)
        {
            return (Some(id), ClientIdSource::Environment);
        }
        let saved = self.prefs.get().zoom_client_id;
        if let Some(id) = typed.and_then(nonempty).or_else(|| nonempty(&saved)) {
            return (Some(id), ClientIdSource::Settings);
        }
        match self
            .zoom_sign_in
            .client_id_built_in
            .as_deref()
            .and_then(nonempty)
        {
            Some(id) => (Some(id), ClientIdSource::BuiltIn),
            None => (None, ClientIdSource::None),
        }
    }

    /// Starts "Sign in with Zoom": a loopback listener for the redirect, and the authorize page
    /// (PKCE S256 and a random `state`) for the caller to open in the browser. A sign-in still
    /// waiting is cancelled. "Sign in again" on a Zoom account (no Client ID typed) uses the
    /// app and the servers that account was signed in with.
    pub async fn begin_sign_in(
        &self,
        typed_client_id: Option<String>,
    ) -> Result<PendingSignIn, Error> {
        let again = match (&self.current().record, typed_client_id.as_deref()) {
            (AccountRecord::Zoom(z), None) => Some(z.clone()),
            _ => None,
        };
        let (client_id, endpoints) = match again {
            Some(z) => (
                z.client_id,
                ZoomEndpoints {
                    oauth_url: z.oauth_url,
                    api_url: z.api_url,
                },
            ),
            None => {
                let (client_id, source) = self.client_id(typed_client_id.as_deref());
                let client_id = client_id.ok_or(Error::NoClientId)?;
                if source == ClientIdSource::Settings
                    && self.prefs.get().zoom_client_id != client_id
                {
                    self.prefs
                        .update(|p| p.zoom_client_id = client_id.clone())
                        .map_err(Error::file)?;
                }
                (client_id, self.zoom_sign_in.endpoints.clone())
            }
        };
        let redirect = LoopbackRedirect::bind().await?;
        let config = endpoints.client_config()?;
        let request =
            AuthorizationRequest::new(&config.oauth_base, &client_id, redirect.uri(), ZOOM_SCOPES)?;
        let id = self
            .sign_ins
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (cancel_tx, cancel) = watch::channel(false);
        let earlier = self
            .signing_in
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(SignInUnderWay {
                id,
                cancel: cancel_tx,
            });
        if let Some(earlier) = earlier {
            let _ = earlier.cancel.send(true);
        }
        Ok(PendingSignIn {
            id,
            request,
            redirect,
            endpoints,
            cancel,
        })
    }

    /// Cancels the sign-in under way, if there is one.
    pub fn cancel_sign_in(&self) {
        if let Some(under_way) = self
            .signing_in
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            let _ = under_way.cancel.send(true);
        }
    }

    /// Waits for the browser's answer, exchanges the code as a public client, keeps the refresh
    /// token in the keychain, and makes the Zoom account the one in use. Cancel works until the
    /// account is switched.
    pub async fn finish_sign_in(&self, pending: PendingSignIn) -> Result<AccountView, Error> {
        let id = pending.id;
        let result = self.complete_sign_in(pending).await;
        self.no_longer_under_way(id);
        result.map(|()| self.account())
    }

    /// Ends a sign-in no answer can come to (its page could not be opened): Settings offers
    /// Sign in again, and its listener closes.
    pub fn drop_sign_in(&self, pending: PendingSignIn) {
        self.no_longer_under_way(pending.id);
    }

    /// The sign-in `id` is no longer under way (a later one may be).
    fn no_longer_under_way(&self, id: u64) {
        let mut under_way = self.signing_in.lock().unwrap_or_else(|p| p.into_inner());
        if under_way.as_ref().is_some_and(|u| u.id == id) {
            *under_way = None;
        }
    }

    async fn complete_sign_in(&self, pending: PendingSignIn) -> Result<(), Error> {
        let PendingSignIn {
            request,
            redirect,
            endpoints,
            mut cancel,
            ..
        } = pending;
        let code = redirect
            .wait(
                request.state().to_owned(),
                self.zoom_sign_in.patience.sign_in,
                cancel.clone(),
            )
            .await?;
        let config = endpoints.client_config()?;
        let signed_in = async {
            let zoom = zoom_api::ZoomClient::sign_in_with_code(
                config.http_client()?,
                config,
                &request,
                &code,
                request.state(),
            )
            .await?;
            let profile = zoom.me().await?;
            Ok::<_, zoom_api::Error>((zoom, profile))
        }
        .await;
        let (zoom, profile) = signed_in.map_err(|err| match err {
            // A refusal here is of this sign-in, not of an earlier one that "expired".
            zoom_api::Error::StateMismatch => Error::SignIn(SignInError::WrongState),
            zoom_api::Error::SignInAgain(why) => Error::SignIn(SignInError::Refused(why)),
            zoom_api::Error::OAuth { error, reason } => {
                Error::SignIn(SignInError::Refused(format!("{error}: {reason}")))
            }
            other => Error::Zoom(other),
        })?;
        let give_up = |zoom: zoom_api::ZoomClient| async move {
            if let Err(err) = zoom.revoke().await {
                tracing::warn!(%err, "could not revoke the tokens of a cancelled sign-in");
            }
            Err(Error::SignIn(SignInError::Cancelled))
        };
        let cancelled = *cancel.borrow();
        if cancelled {
            return give_up(zoom).await;
        }
        let refresh = zoom
            .refresh_token()
            .await
            .ok_or_else(|| Error::SignIn(SignInError::Refused("no refresh token".into())))?;
        let record = ZoomAccount {
            user_id: profile.user_id.clone(),
            display_name: profile.display_name.clone(),
            email: profile.email.clone(),
            client_id: request.client_id().to_owned(),
            oauth_url: endpoints.oauth_url,
            // The user's region, from the token: where this account's calls go from now on.
            api_url: zoom.api_base().as_str().trim_end_matches('/').to_owned(),
            keychain_entry: new_keychain_entry(),
        };
        // Saved now, with the keychain's timeout: the moment to say that it cannot be used.
        let entry = TokenEntry::new(self.launch.keychain.clone(), record.keychain_entry.clone());
        let saved = tokio::select! {
            saved = entry.save(&refresh) => saved,
            () = crate::sign_in::cancelled(&mut cancel) => {
                entry.abandon();
                return give_up(zoom).await;
            }
        };
        let (zoom, entry, memory_only) = match saved {
            Ok(()) => (saving_rotations(zoom, &entry), Some(entry), None),
            Err(err) => {
                tracing::warn!(%err, "signed in for this run only");
                if matches!(err, KeychainError::TimedOut(_)) {
                    // A write stuck on a prompt must not leave the token behind later.
                    entry.abandon();
                }
                let why = format!(
                    "{err}. You are signed in until PMI Desk quits; your sign-in is not saved anywhere else."
                );
                (zoom, None, Some(why))
            }
        };
        let record = AccountRecord::Zoom(record);
        // The next launch starts on this account, or on the local one when it is in memory only.
        let on_disk = if memory_only.is_none() {
            record.clone()
        } else {
            AccountRecord::Local
        };
        if self.account_file.get() != on_disk {
            self.account_file
                .update(|r| *r = on_disk)
                .map_err(Error::file)?;
        }
        let previous = self.current();
        let same_account = previous.record.key() == record.key() && memory_only.is_none();
        let next = Current::signed_in(
            record,
            Session::zoom(zoom),
            entry,
            memory_only,
            same_account.then(|| previous.cache.clone()),
            self.launch.clone(),
        );
        let previous = self.switch_to(next);
        // The earlier sign-in is over: its tokens revoked, its keychain entry deleted; its cache
        // too unless it is this same account's.
        if let Err(err) = self.forget(&previous, !same_account).await {
            tracing::warn!(%err, "could not remove the earlier sign-in");
        }
        Ok(())
    }

    /// Signs out of Zoom: back to the local account at once, then the tokens revoked, the
    /// keychain entry and the account's cache deleted. What could not be removed is said.
    pub async fn sign_out(&self) -> Result<AccountView, Error> {
        let current = self.current();
        if current.record == AccountRecord::Local {
            return Ok(self.account());
        }
        if self.account_file.get() != AccountRecord::Local {
            self.account_file
                .update(|r| *r = AccountRecord::Local)
                .map_err(Error::file)?;
        }
        let previous = self.switch_to(Current::new(AccountRecord::Local, self.launch.clone()));
        let forgotten = self.forget(&previous, true).await;
        Ok(AccountView {
            notice: forgotten.err().map(|err| {
                format!(
                    "Signed out, but your Zoom sign-in could not be deleted from the system keychain ({err}). \
                     Delete the “app.pmidesk.desktop” entry in your keychain app."
                )
            }),
            ..self.account()
        })
    }

    /// Revokes a Zoom account's tokens and removes its keychain entry and, with `cache`, its
    /// cache. Fails only when the keychain entry could not be deleted.
    async fn forget(&self, account: &Current, cache: bool) -> Result<(), KeychainError> {
        let AccountRecord::Zoom(_) = &account.record else {
            return Ok(());
        };
        // Revoking needs the client: started now if it was not (the token is in the keychain).
        match account.session().await {
            Ok(session) => {
                if let Err(err) = session.zoom.revoke().await {
                    tracing::warn!(%err, "could not revoke the Zoom tokens");
                }
            }
            Err(err) => tracing::warn!(%err, "could not revoke the Zoom tokens"),
        }
        if cache {
            if let Err(err) = account.cache.discard() {
                tracing::warn!(%err, "could not delete the account's cache");
            }
            let dir = account_dir(&self.launch.data_dir, &account.record);
            if let Err(err) = std::fs::remove_dir_all(&dir) {
                if err.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(%err, dir = %dir.display(), "could not delete the account's folder");
                }
            }
        }
        match &account.entry {
            Some(entry) => entry.close_and_delete().await,
            None => Ok(()),
        }
    }

    // ---- the personal room ----------------------------------------------------------------

    /// Reads the personal room from the service and keeps a copy for when it cannot be reached.
    async fn fetch_room(
        &self,
        a: &Current,
        settings: &PmiSettings,
        profile: Profile,
        locks: Option<&LockSettings>,
    ) -> Result<PersonalRoomView, Error> {
        if !settings.personal_meeting {
            return Err(Error::NoPmi);
        }
        let pmi = profile.pmi.ok_or(Error::NoPmi)?;
        let session = a.session().await?;
        let (room, invitation) = tokio::try_join!(
            session.zoom.meeting(pmi.meeting_id()),
            session.zoom.invitation(pmi.meeting_id())
        )?;
        let view = PersonalRoomView {
            display_name: profile.display_name.clone(),
            pmi: pmi.get(),
            pmi_formatted: pmi.formatted(),
            personal_link: profile
                .personal_link()
                .map_or_else(|| room.join_link.to_string(), str::to_owned),
            join_link: room.join_link.to_string(),
            passcode: room.passcode.clone(),
            settings: RoomSettings::of(&room),
            locked: room_locks(locks),
            learnt: learnt_locks(a, locks),
            invitation,
            offline: false,
        };
        let start_url = room.start_url.clone();
        let saved = view.clone();
        if let Err(err) = a.cache.update(move |c| {
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
        let a = self.current();
        self.personal_room_of(&a).await
    }

    async fn personal_room_of(&self, a: &Current) -> Result<PersonalRoomView, Error> {
        match self.read_room(a).await {
            Ok(room) => Ok(room),
            Err(err) if err.may_show_cached() => cached_room(a).ok_or(err),
            Err(err) => Err(err),
        }
    }

    /// The personal room read from the service (and kept in the cache).
    async fn read_room(&self, a: &Current) -> Result<PersonalRoomView, Error> {
        let session = a.session().await?;
        let (settings, profile, locks) = tokio::try_join!(
            session.zoom.settings(),
            session.zoom.me(),
            read_locks(&session.zoom)
        )?;
        self.fetch_room(a, &settings, profile, locks.as_ref()).await
    }

    /// The personal room read again after `what` was changed. Never the room kept from before
    /// the change: when it cannot be read, that one is dropped from the cache, and so is the
    /// Meetings tab as last read, which holds it too (so neither the tray nor a later read that
    /// fails falls back to the old number or link), and the error says that the change was made
    /// (the window then reads again, and shows no room while it cannot).
    async fn room_after_change(
        &self,
        a: &Current,
        what: &'static str,
    ) -> Result<PersonalRoomView, Error> {
        self.read_room(a).await.map_err(|err| {
            if let Err(io) = a.cache.update(|c| {
                c.room = None;
                c.overview = None;
            }) {
                tracing::warn!(%io, "the personal room from before the change is still cached");
            }
            match err.kind() {
                // What the user must do first, as the UI knows it.
                "sign_in_again" | "keychain" => err,
                _ => Error::ChangedUnread {
                    what,
                    why: err.to_string(),
                },
            }
        })
    }

    /// The last personal room seen, at once and without the network.
    pub fn cached_room(&self) -> Option<PersonalRoomView> {
        cached_room(&self.current())
    }

    /// Everything the Meetings tab shows, read in parallel; when the service cannot answer (or
    /// the sign-in has lapsed), the last overview read, with the reason. The window's first ask
    /// gets the overview `warm_up` read at launch, if it is of this account and fresh and its
    /// page did not carry it.
    pub async fn overview(&self) -> Result<Overview, Error> {
        use std::sync::atomic::Ordering;
        if self.warmed_up.load(Ordering::Relaxed)
            && !self.launch_overview_asked.swap(true, Ordering::Relaxed)
        {
            if let Some(at_launch) = self.launch_overview().await {
                if self.still_fits(at_launch) {
                    return Ok(at_launch.overview.clone());
                }
            }
        }
        self.overview_now().await
    }

    /// The overview read at launch, if it has been read by now, without waiting: for the window's
    /// page itself, which then shows it in its first frame (`page`). Given once, in place of
    /// the window's first ask, and only as `overview` would give it (this account's, fresh).
    pub fn launch_overview_ready(&self) -> Option<Overview> {
        use std::sync::atomic::Ordering;
        if !self.warmed_up.load(Ordering::Relaxed) {
            return None;
        }
        let at_launch = self.launch_overview.get()?.as_ref()?;
        if !self.still_fits(at_launch) || self.launch_overview_asked.swap(true, Ordering::Relaxed) {
            return None;
        }
        Some(at_launch.overview.clone())
    }

    /// Whether the overview read at launch may still be shown: of the account in use, and fresh.
    fn still_fits(&self, at_launch: &LaunchOverview) -> bool {
        std::ptr::eq(at_launch.account.as_ptr(), Arc::as_ptr(&self.current()))
            && at_launch.read_at.elapsed() < LAUNCH_OVERVIEW_FRESH
    }

    async fn overview_now(&self) -> Result<Overview, Error> {
        let a = self.current();
        match self.read_overview(&a).await {
            Ok(overview) => {
                let saved = overview.clone();
                if let Err(err) = a.cache.update(move |c| c.overview = Some(saved)) {
                    tracing::warn!(%err, "cannot save the overview for offline use");
                }
                Ok(overview)
            }
            Err(err) if err.may_show_cached() => match a.cache.get().overview {
                Some(last) => Ok(Overview {
                    room: PersonalRoomView {
                        offline: true,
                        ..last.room
                    },
                    stale: Some(ErrorBody::from(&err)),
                    ..last
                }),
                None => Err(err),
            },
            Err(err) => Err(err),
        }
    }

    async fn read_overview(&self, a: &Current) -> Result<Overview, Error> {
        let session = a.session().await?;
        let (settings, profile, locks) = tokio::try_join!(
            session.zoom.settings(),
            session.zoom.me(),
            read_locks(&session.zoom)
        )?;
        let (room, meetings) = tokio::try_join!(
            self.fetch_room(a, &settings, profile, locks.as_ref()),
            upcoming(a),
        )?;
        let instant_pmi = instant_choice(a, &settings, locks.as_ref());
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
            new_meeting: NewMeetingDefaults {
                waiting_room: settings.waiting_room,
                host_video: settings.host_video,
                participant_video: settings.participants_video,
                passcode: settings
                    .passcode_for_new_meetings
                    .then(|| new_passcode(&settings)),
            },
            meetings: meetings.iter().map(MeetingView::from).collect(),
            stale: None,
        })
    }

    /// Upcoming scheduled meetings, soonest first.
    pub async fn upcoming(&self) -> Result<Vec<Meeting>, Error> {
        upcoming(&self.current()).await
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

    /// Writes `use_pmi_for_instant_meetings`, reads it back, and reports a lock when the value
    /// did not change.
    pub async fn set_instant_pmi(&self, checked: bool) -> Result<PmiChoice, Error> {
        let a = self.current();
        let zoom = &a.session().await?.zoom;
        zoom.update_settings(&SettingsUpdate {
            use_pmi_for_instant_meetings: Some(checked),
            ..SettingsUpdate::default()
        })
        .await?;
        let (settings, locks) = tokio::try_join!(zoom.settings(), read_locks(zoom))?;
        let mut choice = instant_choice(&a, &settings, locks.as_ref());
        choice.locked |= settings.use_pmi_for_instant_meetings != checked;
        let remembered = choice;
        if let Err(err) = a.cache.update(move |c| c.instant_pmi = Some(remembered)) {
            tracing::warn!(%err, "cannot remember the PMI choice");
        }
        Ok(choice)
    }

    // ---- starting -------------------------------------------------------------------------

    fn start_link(&self, meeting: &Meeting) -> String {
        match self.prefs.get().open_in {
            OpenIn::ZoomApp => {
                DesktopLink::for_join_link(DesktopLinkAction::Start, &meeting.join_link).to_string()
            }
            OpenIn::Browser => meeting
                .start_url
                .clone()
                .unwrap_or_else(|| meeting.join_link.to_string()),
        }
    }

    /// New Meeting: an instant meeting, on the PMI when the account says so. The caller opens
    /// `opened`.
    pub async fn new_meeting(&self, own_id: bool) -> Result<Started, Error> {
        let a = self.current();
        let zoom = &a.session().await?.zoom;
        let name = match cached_room(&a) {
            Some(room) => room.display_name,
            None => zoom.me().await?.display_name,
        };
        let topic = format!("{name}'s Zoom Meeting");
        let meeting = if own_id {
            // An instant meeting follows the account's PMI choice; one scheduled for now, off the
            // PMI, gets an ID of its own whatever that choice is.
            // Whole seconds, as Zoom keeps them, so an unanswered create can be found again.
            let start = chrono::SubsecRound::trunc_subsecs(Utc::now(), 0);
            let mut now = NewMeeting::scheduled(topic, start, 60);
            now.use_pmi = false;
            zoom.create_meeting(&now).await?
        } else {
            zoom.create_meeting(&NewMeeting::instant(topic)).await?
        };
        Ok(Started {
            opened: self.start_link(&meeting),
            meeting: MeetingView::from(&meeting),
        })
    }

    /// Start on a listed meeting: re-read for a fresh `start_url` (it expires after two hours).
    pub async fn start_meeting(&self, id: u64) -> Result<Started, Error> {
        let a = self.current();
        let meeting = a.session().await?.zoom.meeting(MeetingId::new(id)?).await?;
        Ok(Started {
            opened: self.start_link(&meeting),
            meeting: MeetingView::from(&meeting),
        })
    }

    /// The link that starts the personal room: from the cache at once when it is fresh enough,
    /// otherwise read again; when the service cannot be reached, the last link known.
    pub async fn personal_room_start_link(&self) -> Result<String, Error> {
        let a = self.current();
        let prefs = self.prefs.get();
        let mut cached = a.cache.get();
        let fresh = cached
            .room_read_at
            .is_some_and(|at| Utc::now() - at < START_URL_LIFETIME - Duration::minutes(5));
        if cached.room.is_none() || (prefs.open_in == OpenIn::Browser && !fresh) {
            // Read again; when the service cannot be reached this keeps the last room known.
            self.personal_room_of(&a).await?;
            cached = a.cache.get();
        }
        let room = cached.room.ok_or(Error::NoPmi)?;
        Ok(match prefs.open_in {
            OpenIn::ZoomApp => DesktopLink::start(MeetingId::new(room.pmi)?).to_string(),
            OpenIn::Browser => cached.room_start_url.unwrap_or(room.join_link),
        })
    }

    // ---- scheduling -----------------------------------------------------------------------

    async fn validate(
        &self,
        a: &Current,
        request: &ScheduleRequest,
    ) -> Result<ValidSchedule, Error> {
        let settings = a.session().await?.zoom.settings().await?;
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
        let a = self.current();
        let valid = match self.validate(&a, request).await {
            Ok(valid) => valid,
            // An incomplete form has no warnings yet; a service that cannot answer is an error.
            Err(Error::InvalidFields(_)) => return Ok(Vec::new()),
            Err(other) => return Err(other),
        };
        let zone = valid.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let candidate = PmiSlot {
            meeting_id: editing.map(MeetingId::new).transpose()?,
            topic: valid.topic.clone(),
            start: valid.start,
            duration_minutes: valid.duration_minutes,
            on_pmi: valid.use_pmi,
        };
        let until = valid.start + Duration::days(RECURRENCE_HORIZON_DAYS);
        let candidates = occurrence_slots(&candidate, valid.recurrence.as_ref(), zone, until);
        let others = pmi_occurrences(&a, until).await?;
        let gap = self.back_to_back_gap();
        Ok(check_pmi_occurrences(&candidates, &others, gap)
            .iter()
            .map(ScheduleWarningView::from)
            .collect())
    }

    /// How close two PMI meetings may be before they count as back-to-back (Settings).
    pub fn back_to_back_gap(&self) -> Duration {
        Duration::minutes(i64::from(self.prefs.get().back_to_back_minutes))
    }

    /// Whether a session in the personal room now would run into a PMI meeting, judged from the
    /// last overview kept (no network: for the tray). `new_meeting`: New Meeting, which is in
    /// the personal room only when "Use my PMI" is checked.
    pub fn pmi_busy_from_cache(&self, new_meeting: bool) -> bool {
        let Some(overview) = self.current().cache.get().overview else {
            return false;
        };
        if new_meeting && !overview.instant_pmi.checked {
            return false;
        }
        let gap = self.back_to_back_gap();
        let now = Utc::now();
        overview
            .meetings
            .iter()
            .filter(|m| m.on_pmi)
            .filter_map(MeetingView::span)
            .any(|(start, end)| start - gap <= now && now <= end + gap)
    }

    /// Before a session starts in the personal room now (Start, or New Meeting on the PMI): the
    /// PMI meeting that is on, or starts or ended within the back-to-back gap, if there is one,
    /// because anyone with its link walks into this session too.
    pub async fn pmi_busy_now(&self) -> Result<Option<ScheduleWarningView>, Error> {
        let a = self.current();
        let gap = self.back_to_back_gap();
        let now = Utc::now();
        let others = pmi_occurrences(&a, now + gap + Duration::days(1)).await?;
        let session = PmiSlot {
            meeting_id: None,
            topic: "Your personal room".into(),
            start: now,
            // A minute, so a meeting under way counts as an overlap.
            duration_minutes: 1,
            on_pmi: true,
        };
        Ok(check_pmi_occurrences(&[session], &others, gap)
            .first()
            .map(ScheduleWarningView::from))
    }

    /// Save in the Schedule dialog. Nothing is created when a field is wrong; a failure leaves
    /// the dialog's fields to the UI, which keeps them.
    pub async fn schedule(
        &self,
        request: &ScheduleRequest,
        calendar_file: bool,
    ) -> Result<Scheduled, Error> {
        let a = self.current();
        let v = self.validate(&a, request).await?;
        let zoom = &a.session().await?.zoom;
        let meeting = zoom
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
        // The meeting is made: a calendar file that cannot be written is said on its own, never
        // as a failed Save (which would invite a second meeting).
        let (calendar_file, calendar_problem) = if calendar_file {
            match self.write_calendar_file(&a, &meeting).await {
                Ok(path) => (Some(path), None),
                Err(err) => {
                    tracing::warn!(%err, "the meeting is scheduled, but not its calendar file");
                    (None, Some(err.to_string()))
                }
            }
        } else {
            (None, None)
        };
        Ok(Scheduled {
            meeting: MeetingView::from(&meeting),
            calendar_file,
            calendar_problem,
        })
    }

    /// One meeting read whole (its passcode, settings and recurrence, which lists leave out),
    /// for Edit to show it exactly as it is.
    pub async fn meeting(&self, id: u64) -> Result<MeetingView, Error> {
        let a = self.current();
        let meeting = a.session().await?.zoom.meeting(MeetingId::new(id)?).await?;
        Ok(MeetingView::from(&meeting))
    }

    /// Edit on a listed meeting: the same checks as scheduling, then an update of only what
    /// differs from the meeting as it is now; nothing is written when nothing changed.
    pub async fn update_meeting(
        &self,
        id: u64,
        request: &ScheduleRequest,
    ) -> Result<MeetingView, Error> {
        let a = self.current();
        let id = MeetingId::new(id)?;
        let zoom = &a.session().await?.zoom;
        let (settings, current) = tokio::try_join!(zoom.settings(), zoom.meeting(id))?;
        let v = request
            .validate_edit(&settings.passcode_rules, Utc::now(), &current)
            .map_err(Error::InvalidFields)?;
        let changes = v.changes_from(&current);
        if changes.is_empty() {
            return Ok(MeetingView::from(&current));
        }
        zoom.update_meeting(id, &MeetingUpdate::from(&changes))
            .await?;
        Ok(MeetingView::from(&zoom.meeting(id).await?))
    }

    pub async fn delete_meeting(&self, id: u64) -> Result<(), Error> {
        let a = self.current();
        Ok(a.session()
            .await?
            .zoom
            .delete_meeting(MeetingId::new(id)?)
            .await?)
    }

    async fn write_calendar_file(&self, a: &Current, meeting: &Meeting) -> Result<String, Error> {
        let invitation = a.session().await?.zoom.invitation(meeting.id).await?;
        let ics = ics_event(meeting, &invitation, Utc::now()).ok_or(Error::NoStartTime)?;
        let path = self.calendar_dir.join(calendar_file_name(meeting));
        std::fs::create_dir_all(&self.calendar_dir).map_err(Error::file)?;
        crate::store::write_durably(&path, ics.as_bytes()).map_err(Error::file)?;
        Ok(path.display().to_string())
    }

    // ---- copying and sharing --------------------------------------------------------------

    /// The invitation of a meeting, or of the personal room (`None`), from the cache when fresh.
    pub async fn invitation(&self, meeting: Option<u64>) -> Result<String, Error> {
        let a = self.current();
        match meeting {
            Some(id) => Ok(a
                .session()
                .await?
                .zoom
                .invitation(MeetingId::new(id)?)
                .await?),
            None => Ok(self.room_now(&a).await?.invitation),
        }
    }

    /// The personal room from the cache when there is one, else read.
    async fn room_now(&self, a: &Current) -> Result<PersonalRoomView, Error> {
        match cached_room(a) {
            Some(room) => Ok(room),
            None => self.personal_room_of(a).await,
        }
    }

    /// The personal link, at once from the cache when there is one.
    pub async fn personal_link(&self) -> Result<String, Error> {
        Ok(self.room_now(&self.current()).await?.personal_link)
    }

    /// The PMI's join link (the "Join Zoom Meeting" section).
    pub async fn join_link(&self) -> Result<String, Error> {
        Ok(self.room_now(&self.current()).await?.join_link)
    }

    /// A `mailto:` link with the personal room's invitation.
    pub async fn invitation_email(&self) -> Result<String, Error> {
        let room = self.room_now(&self.current()).await?;
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

    /// Zoom's "PMI Settings": the passcode (on or off, and its text), waiting room, join before
    /// host and its minutes, mute upon entry, videos, audio and authenticated users only. All
    /// of it is checked before anything is written; then written and read back. A change that
    /// did not hold is the account admin's lock: the room shows the real value, locked, and the
    /// lock is remembered for when the lock settings cannot be read.
    pub async fn set_room_settings(&self, change: RoomChange) -> Result<PersonalRoomView, Error> {
        let a = self.current();
        let zoom = &a.session().await?.zoom;
        let (settings, profile) = tokio::try_join!(zoom.settings(), zoom.me())?;
        if !settings.personal_meeting {
            return Err(Error::NoPmi);
        }
        let pmi = profile.pmi.ok_or(Error::NoPmi)?.meeting_id();

        let passcode_on = change
            .passcode_on
            .or(change.passcode.as_ref().map(|_| true));
        if let Some(passcode) = &change.passcode {
            if passcode_on == Some(false) {
                return Err(field_problem(
                    "passcode",
                    "Turn the passcode on to set one.".to_owned(),
                ));
            }
            settings
                .passcode_rules
                .check(passcode)
                .map_err(|why| field_problem("passcode", why))?;
        }
        if let Some(minutes) = change.jbh_minutes {
            if !pmi_core::JBH_MINUTES.contains(&minutes) {
                return Err(field_problem(
                    "jbh_minutes",
                    "Choose any time, or 5, 10 or 15 minutes before the start.".to_owned(),
                ));
            }
        }

        let mut update = MeetingUpdate {
            passcode: change.passcode.clone(),
            waiting_room: change.waiting_room,
            host_video: change.host_video,
            participant_video: change.participant_video,
            join_before_host: change.join_before_host,
            jbh_minutes: change.jbh_minutes,
            mute_upon_entry: change.mute_upon_entry,
            audio: change.audio,
            authenticated_only: change.authenticated_only,
            ..MeetingUpdate::default()
        };
        // On or off is the account's `require_password_for_pmi_meetings`; the passcode itself
        // is the room's. A requirement the admin holds is not followed by a passcode change
        // the service would refuse.
        let mut passcode_held = true;
        if let Some(on) = passcode_on {
            if (settings.pmi_passcode_requirement != PmiPasscodeRequirement::None) != on {
                zoom.update_settings(&SettingsUpdate {
                    pmi_passcode_requirement: Some(if on {
                        PmiPasscodeRequirement::All
                    } else {
                        PmiPasscodeRequirement::None
                    }),
                    ..SettingsUpdate::default()
                })
                .await?;
                let now = zoom.settings().await?.pmi_passcode_requirement;
                passcode_held = (now != PmiPasscodeRequirement::None) == on;
            }
            if !passcode_held {
                update.passcode = None;
            } else if !on {
                update.passcode = Some(String::new());
            } else if update.passcode.is_none() && zoom.meeting(pmi).await?.passcode.is_none() {
                update.passcode = Some(new_passcode(&settings));
            }
        }
        zoom.update_meeting(pmi, &update).await?;

        let room = zoom.meeting(pmi).await?;
        let now = RoomSettings::of(&room);
        let held = |asked: Option<bool>, is: bool| asked.map(|asked| asked == is);
        let outcomes = [
            (passcode_on.map(|_| passcode_held), Lock::Passcode),
            (
                held(change.waiting_room, now.waiting_room),
                Lock::WaitingRoom,
            ),
            (
                held(change.join_before_host, now.join_before_host)
                    .into_iter()
                    .chain(change.jbh_minutes.map(|m| m == now.jbh_minutes))
                    .reduce(|a, b| a && b),
                Lock::JoinBeforeHost,
            ),
            (
                held(change.mute_upon_entry, now.mute_upon_entry),
                Lock::MuteUponEntry,
            ),
            (held(change.host_video, now.host_video), Lock::HostVideo),
            (
                held(change.participant_video, now.participant_video),
                Lock::ParticipantVideo,
            ),
            (change.audio.map(|asked| asked == now.audio), Lock::Audio),
            (
                held(change.authenticated_only, now.authenticated_only),
                Lock::AuthenticatedOnly,
            ),
        ];
        let seen = outcomes
            .into_iter()
            .filter_map(|(outcome, lock)| Some((outcome?, lock)))
            .fold(a.cache.get().room_locks_seen, |mut seen, (held, lock)| {
                *lock.of(&mut seen) = !held;
                seen
            });
        if let Err(err) = a.cache.update(move |c| c.room_locks_seen = seen) {
            tracing::warn!(%err, "cannot remember which room settings are locked");
        }
        let (settings, locks) = tokio::try_join!(zoom.settings(), read_locks(zoom))?;
        self.fetch_room(&a, &settings, profile, locks.as_ref())
            .await
    }

    // ---- reminders ------------------------------------------------------------------------

    /// Requests the built-in service has answered, when it is the account in use.
    #[cfg(test)]
    pub fn local_requests_seen(&self) -> Option<u64> {
        self.current().started()?.local_requests_seen()
    }

    /// The upcoming meetings as last read, without the network.
    pub fn cached_meetings(&self) -> Vec<MeetingView> {
        self.current()
            .cache
            .get()
            .overview
            .map(|o| o.meetings)
            .unwrap_or_default()
    }

    /// The reminders shown for this account (meeting and start).
    pub fn reminders_shown(&self) -> Vec<String> {
        self.current().cache.get().reminded
    }

    /// Keeps that a reminder was shown, the last 500 at most.
    pub fn mark_reminded(&self, key: &str) {
        let key = key.to_owned();
        // Only this machine knows it: synced, so no crash shows a reminder twice.
        let saved = self.current().cache.update_durably(move |c| {
            c.reminded.push(key);
            let extra = c.reminded.len().saturating_sub(500);
            c.reminded.drain(..extra);
        });
        if let Err(err) = saved {
            tracing::warn!(%err, "cannot remember a reminder shown");
        }
    }

    // ---- Join from anything ----------------------------------------------------------------

    /// What a pasted text names, with the link Join opens as Settings say (the Zoom app or the
    /// browser); bad input gets the reason, at the `join` field.
    pub fn understand_join(&self, text: &str) -> Result<(JoinView, String), Error> {
        let trusted = self.trusted_origins();
        let trusted: Vec<&str> = trusted.iter().map(String::as_str).collect();
        let joinable = pmi_core::understand(text, &trusted)
            .map_err(|problem| field_problem("join", problem.to_string()))?;
        Ok(self.join_view(&joinable))
    }

    /// The web origins of the services this account talks to on loopback (the built-in one, or
    /// a local service playing Zoom): their links count as Zoom's.
    fn trusted_origins(&self) -> Vec<String> {
        self.loopback_origins()
            .iter()
            .map(url::Origin::ascii_serialization)
            .collect()
    }

    fn join_view(&self, joinable: &Joinable) -> (JoinView, String) {
        let open_in = self.prefs.get().open_in;
        let link = match open_in {
            OpenIn::ZoomApp => joinable.app_link(),
            OpenIn::Browser => joinable.web_link(),
        };
        let view = JoinView {
            understood: joinable.describe(),
            meeting_id_formatted: match &joinable {
                Joinable::Meeting { id, .. } => Some(id.formatted()),
                Joinable::Personal(_) => None,
            },
            has_passcode: matches!(
                &joinable,
                Joinable::Meeting {
                    passcode: Some(_),
                    ..
                }
            ),
            personal_link: match &joinable {
                Joinable::Personal(link) => Some(link.to_string()),
                Joinable::Meeting { .. } => None,
            },
            open_in,
        };
        (view, link)
    }

    /// When the clipboard holds a Zoom link not offered before: what Join would open. Plain
    /// numbers and texts without a link are not offered; each link is offered once.
    pub fn join_offer(&self, clipboard: &str) -> Option<JoinOffer> {
        const LONGEST: usize = 20_000;
        const REMEMBERED: usize = 20;
        let text = clipboard.trim();
        if text.is_empty() || text.len() > LONGEST {
            return None;
        }
        let mut offered = self.join_offered.lock().unwrap_or_else(|p| p.into_inner());
        if offered.iter().any(|o| o == text) {
            return None;
        }
        let trusted = self.trusted_origins();
        let trusted: Vec<&str> = trusted.iter().map(String::as_str).collect();
        let joinable = pmi_core::understand_link(text, &trusted)?;
        let (view, _) = self.join_view(&joinable);
        if offered.len() == REMEMBERED {
            offered.pop_front();
        }
        offered.push_back(text.to_owned());
        Some(JoinOffer {
            text: text.to_owned(),
            join: view,
        })
    }

    // ---- choosing the PMI and the personal link --------------------------------------------

    /// Checks a PMI as it is typed: Zoom's rules, with the one it breaks named.
    pub fn check_pmi(&self, typed: &str) -> Result<(), Error> {
        pmi_core::Pmi::choose(typed)
            .map(|_| ())
            .map_err(|e| field_problem("pmi", e.to_string()))
    }

    /// Changes the PMI, then reads the personal room again, so the tab, the window, the tray's
    /// cache and the invitation all show the new number.
    pub async fn set_pmi(&self, typed: &str) -> Result<PersonalRoomView, Error> {
        let pmi = pmi_core::Pmi::choose(typed).map_err(|e| field_problem("pmi", e.to_string()))?;
        let a = self.current();
        let zoom = &a.session().await?.zoom;
        zoom.update_me(&UserUpdate {
            pmi: Some(pmi),
            ..UserUpdate::default()
        })
        .await
        .map_err(|err| match err {
            // Zoom's code 200 here: the account lets only its admins change PMIs.
            zoom_api::Error::Api { code: 200, .. } => field_problem(
                "pmi",
                "Only an account administrator can change a Personal Meeting ID on this account."
                    .into(),
            ),
            zoom_api::Error::InvalidField { message, .. } => field_problem("pmi", message),
            other => other.into(),
        })?;
        self.room_after_change(&a, "Your Personal Meeting ID").await
    }

    /// Whether a personal link name may be had: Zoom's rules, then whether someone holds it.
    pub async fn check_vanity_name(&self, typed: &str) -> Result<(), Error> {
        let name = pmi_core::VanityName::new(typed)
            .map_err(|e| field_problem("vanity_name", e.to_string()))?;
        let a = self.current();
        let session = a.session().await?;
        // Zoom says a name exists when it is the user's own, too.
        let own = cached_room(&a).is_some_and(|r| {
            r.personal_link
                .rsplit_once("/my/")
                .is_some_and(|(_, n)| n.eq_ignore_ascii_case(name.as_str()))
        });
        if !own && session.zoom.vanity_name_exists(&name).await? {
            return Err(taken(name.as_str()));
        }
        Ok(())
    }

    /// Changes the personal link name, then reads the personal room again.
    pub async fn set_vanity_name(&self, typed: &str) -> Result<PersonalRoomView, Error> {
        let name = pmi_core::VanityName::new(typed)
            .map_err(|e| field_problem("vanity_name", e.to_string()))?;
        let a = self.current();
        let zoom = &a.session().await?.zoom;
        zoom.update_me(&UserUpdate {
            vanity_name: Some(name.clone()),
            ..UserUpdate::default()
        })
        .await
        .map_err(|err| match err {
            zoom_api::Error::Api { code: 4100, .. } => taken(name.as_str()),
            zoom_api::Error::InvalidField { message, .. } => field_problem("vanity_name", message),
            other => other.into(),
        })?;
        self.room_after_change(&a, "Your personal link").await
    }

    // ---- preferences ----------------------------------------------------------------------

    pub fn preferences(&self) -> Preferences {
        self.prefs.get()
    }

    /// Checks and saves the preferences; when start at login changes, `start_at_login` makes it
    /// so, and if it cannot, the saved choice goes back to what it was and the error is returned.
    /// Saves the settings, then applies what needs the system (start at login, the global
    /// shortcuts); when the system refuses, the setting goes back to what it was and the reason
    /// is given.
    pub fn set_preferences(
        &self,
        new: Preferences,
        mut start_at_login: impl FnMut(bool) -> Result<(), Error>,
        shortcuts: impl Fn(&crate::shortcuts::ShortcutKeys) -> Result<(), Error>,
    ) -> Result<Preferences, Error> {
        new.shortcuts.check()?;
        let before = self.prefs.get();
        let saved = self.save_preferences(new)?;
        // What the system refuses goes back to what it was, in the file too; the rest is kept
        // and applied, so the file and the system never disagree.
        let mut refused = None;
        if saved.start_at_login != before.start_at_login {
            if let Err(err) = start_at_login(saved.start_at_login) {
                self.prefs
                    .update(|p| p.start_at_login = before.start_at_login)
                    .map_err(Error::file)?;
                refused = Some(err);
            }
        }
        if saved.shortcuts != before.shortcuts {
            if let Err(err) = shortcuts(&saved.shortcuts) {
                let old = before.shortcuts.clone();
                self.prefs
                    .update(|p| p.shortcuts = old)
                    .map_err(Error::file)?;
                if let Err(again) = shortcuts(&before.shortcuts) {
                    tracing::warn!(%again, "the earlier shortcuts are not registered again");
                }
                refused.get_or_insert(err);
            }
        }
        match refused {
            Some(err) => Err(err),
            None => Ok(saved),
        }
    }

    fn save_preferences(&self, new: Preferences) -> Result<Preferences, Error> {
        if new.back_to_back_minutes > 240 {
            return Err(Error::InvalidFields(vec![pmi_core::FieldProblem {
                field: "back_to_back_minutes".into(),
                message: "Choose a gap from 0 to 240 minutes.".into(),
            }]));
        }
        if !(1..=60).contains(&new.reminder_minutes) {
            return Err(field_problem(
                "reminder_minutes",
                "Choose from 1 to 60 minutes before a meeting.".to_owned(),
            ));
        }
        let client_id = new.zoom_client_id.trim();
        if client_id
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        {
            return Err(Error::InvalidFields(vec![pmi_core::FieldProblem {
                field: "zoom_client_id".into(),
                message: "A Zoom Client ID has only letters, digits, '-' and '_': copy it from your app's App Credentials page.".into(),
            }]));
        }
        let new = Preferences {
            zoom_client_id: client_id.to_owned(),
            ..new
        };
        self.prefs.update(|p| *p = new).map_err(Error::file)
    }
}

/// One field to fix, as the form names it.
fn field_problem(field: &str, message: String) -> Error {
    Error::InvalidFields(vec![pmi_core::FieldProblem {
        field: field.into(),
        message,
    }])
}

/// Zoom's code 4100, in words.
fn taken(name: &str) -> Error {
    field_problem(
        "vanity_name",
        format!("“{name}” is someone else's personal link already: choose another name."),
    )
}

/// The last personal room seen by account `a`, marked offline.
fn cached_room(a: &Current) -> Option<PersonalRoomView> {
    a.cache.get().room.map(|room| PersonalRoomView {
        offline: true,
        ..room
    })
}

/// Upcoming scheduled meetings of account `a`, soonest first.
async fn upcoming(a: &Current) -> Result<Vec<Meeting>, Error> {
    let mut meetings = a
        .session()
        .await?
        .zoom
        .list_all_meetings(ListKind::Upcoming)
        .await?;
    meetings.sort_by_key(|m| (m.start, m.id));
    Ok(meetings)
}

/// Every occurrence, up to `until`, of the upcoming meetings of account `a` held on the PMI. Lists
/// leave out how a meeting repeats, so a recurring one is read whole. (Zoom keeps recurring
/// meetings with a fixed time off the PMI when made through its API; ones made elsewhere count.)
async fn pmi_occurrences(a: &Current, until: DateTime<Utc>) -> Result<Vec<PmiSlot>, Error> {
    let listed = upcoming(a).await?;
    let zoom = &a.session().await?.zoom;
    let read = listed.iter().map(|m| async move {
        if m.on_pmi && m.kind == MeetingKind::RecurringFixedTime && m.recurrence.is_none() {
            zoom.meeting(m.id).await
        } else {
            Ok(m.clone())
        }
    });
    let meetings = futures_util::future::try_join_all(read).await?;
    Ok(meetings
        .iter()
        .filter(|m| m.on_pmi)
        .filter_map(|m| {
            let slot = PmiSlot {
                meeting_id: Some(m.id),
                topic: m.topic.clone(),
                start: m.start?,
                duration_minutes: m.duration_minutes?,
                on_pmi: true,
            };
            let zone = m
                .time_zone
                .as_deref()
                .and_then(|z| z.parse().ok())
                .unwrap_or(chrono_tz::UTC);
            Some(occurrence_slots(&slot, m.recurrence.as_ref(), zone, until))
        })
        .flatten()
        .collect())
}

/// The account's lock settings when this sign-in may read them (an admin's; the built-in
/// account is one), `None` when it may not.
async fn read_locks(zoom: &zoom_api::ZoomClient) -> zoom_api::Result<Option<LockSettings>> {
    use zoom_api::Error as Z;
    match zoom.lock_settings("me").await {
        Ok(locks) => Ok(Some(locks)),
        // Signed out or unreachable: the same for every call, said as such.
        Err(err @ (Z::SignInAgain(_) | Z::OAuth { .. } | Z::Unreachable(_))) => Err(err),
        // Not this sign-in's to read (or not now): the room is shown without them.
        Err(err) => {
            tracing::debug!(%err, "the lock settings cannot be read");
            Ok(None)
        }
    }
}

/// The check item's state. Without the lock settings, a lock is known only from a write that
/// did not hold, remembered in the cache.
fn instant_choice(a: &Current, settings: &PmiSettings, locks: Option<&LockSettings>) -> PmiChoice {
    let locked = match locks {
        Some(locks) => locks
            .schedule_meeting
            .as_ref()
            .and_then(|s| s.use_pmi_for_instant_meetings)
            .unwrap_or(false),
        None => a.cache.get().instant_pmi.is_some_and(|c| c.locked),
    };
    PmiChoice {
        checked: settings.use_pmi_for_instant_meetings,
        locked,
    }
}

/// One of the room's locks.
#[derive(Clone, Copy)]
enum Lock {
    Passcode,
    WaitingRoom,
    JoinBeforeHost,
    MuteUponEntry,
    HostVideo,
    ParticipantVideo,
    Audio,
    AuthenticatedOnly,
}

impl Lock {
    fn of(self, locks: &mut RoomLocks) -> &mut bool {
        match self {
            Lock::Passcode => &mut locks.passcode,
            Lock::WaitingRoom => &mut locks.waiting_room,
            Lock::JoinBeforeHost => &mut locks.join_before_host,
            Lock::MuteUponEntry => &mut locks.mute_upon_entry,
            Lock::HostVideo => &mut locks.host_video,
            Lock::ParticipantVideo => &mut locks.participant_video,
            Lock::Audio => &mut locks.audio,
            Lock::AuthenticatedOnly => &mut locks.authenticated_only,
        }
    }
}

/// The room's locks as the account's lock settings say, when they could be read.
fn room_locks(locks: Option<&LockSettings>) -> RoomLocks {
    let Some(locks) = locks else {
        return RoomLocks::default();
    };
    let on = |v: Option<bool>| v.unwrap_or(false);
    let schedule = locks.schedule_meeting.clone().unwrap_or_default();
    let security = locks.meeting_security.clone().unwrap_or_default();
    RoomLocks {
        passcode: on(schedule.require_password_for_pmi_meetings) || on(security.pmi_password),
        waiting_room: on(security.waiting_room),
        join_before_host: on(schedule.join_before_host),
        // Zoom's lock settings do not show this one.
        mute_upon_entry: false,
        host_video: on(schedule.host_video),
        participant_video: on(schedule.participant_video),
        audio: on(schedule.audio_type),
        authenticated_only: on(schedule.meeting_authentication),
    }
}

/// The settings seen not to hold when changed, where the lock settings cannot tell: all of them
/// for a user who may not read them, mute upon entry (which they do not show) for everyone.
/// Only seen, never read, so the window says so and lets the user try again; a change that
/// holds forgets it.
fn learnt_locks(a: &Current, locks: Option<&LockSettings>) -> RoomLocks {
    let seen = a.cache.get().room_locks_seen;
    match locks {
        None => seen,
        Some(_) => RoomLocks {
            mute_upon_entry: seen.mute_upon_entry,
            ..RoomLocks::default()
        },
    }
}

/// Before accounts: the local account's cache lay at the top of the data folder.
fn move_old_cache(data_dir: &Path) {
    let old = data_dir.join("cache.json");
    let new = account_dir(data_dir, &AccountRecord::Local).join("cache.json");
    if old.exists() && !new.exists() {
        let moved = crate::store::private_dir(new.parent().unwrap_or(data_dir))
            .and_then(|()| std::fs::rename(&old, &new));
        if let Err(err) = moved {
            tracing::warn!(%err, "cannot move the old cache into the local account's folder");
        }
    }
}

/// `<topic>-<id>.ics`, the topic's letters and digits kept (any script) and cut to fit the
/// 255-byte file names of common file systems.
fn calendar_file_name(meeting: &Meeting) -> String {
    const TOPIC_BYTES: usize = 160;
    let mut topic = String::new();
    for c in meeting.topic.chars() {
        let c = if c.is_alphanumeric() || c == '-' {
            c
        } else {
            '-'
        };
        if topic.len() + c.len_utf8() > TOPIC_BYTES {
            break;
        }
        topic.push(c);
    }
    let topic = topic.trim_matches('-');
    if topic.is_empty() {
        format!("{}.ics", meeting.id)
    } else {
        format!("{topic}-{}.ics", meeting.id)
    }
}

/// A passcode that meets the account's rules.
fn new_passcode(settings: &PmiSettings) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    settings.passcode_rules.generate(|n| rng.random_range(0..n))
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
        m.span().is_some_and(|(start, end)| {
            start.with_timezone(&Local).date_naive() == today && end > now
        })
    })
}
