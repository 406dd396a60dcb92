//! Thin commands: take state and typed arguments, call the desk, map the error.

use pmi_core::ScheduleRequest;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::asks::{WindowAsk, WindowAsks};
use crate::clipboard::Clipboard;
use crate::desk::Desk;
use crate::error::Error;
use crate::views::{
    AccountView, JoinOffer, JoinView, MeetingView, Overview, PersonalRoomView, PmiChoice,
    Preferences, RoomChange, ScheduleWarningView, Scheduled, Started,
};

#[tauri::command]
pub async fn overview<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
) -> Result<Overview, Error> {
    let overview = desk.overview().await?;
    shown(&app, &overview);
    Ok(overview)
}

/// What follows the window's being given an overview (by `overview`, or in its page): the
/// tray's next meeting, and the reminders look at the meetings read.
pub(crate) fn shown<R: Runtime>(app: &AppHandle<R>, overview: &Overview) {
    crate::tray::show_next(app, crate::desk::next_today(&overview.meetings));
    if let Some(wake) = app.try_state::<crate::reminders::Wake>() {
        wake.now();
    }
}

#[tauri::command]
pub async fn personal_room(desk: State<'_, Desk>) -> Result<PersonalRoomView, Error> {
    desk.personal_room().await
}

#[tauri::command]
pub async fn set_instant_pmi(desk: State<'_, Desk>, checked: bool) -> Result<PmiChoice, Error> {
    desk.set_instant_pmi(checked).await
}

/// New Meeting; `own_id` starts it on an ID of its own whatever the PMI choice ("Use a new ID").
#[tauri::command]
pub async fn new_meeting<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    own_id: Option<bool>,
) -> Result<Started, Error> {
    let started = desk.new_meeting(own_id.unwrap_or(false)).await?;
    crate::open(&app, &started.opened)?;
    Ok(started)
}

/// The UI's first Meetings tab with the personal room on screen (the launch time, logged), with
/// the UI's own marks on the way there (ms since the page began to load) and the moment it began
/// (`origin`, ms since the Unix epoch: `performance.timeOrigin`); the tray, reminders
/// and shortcuts start once the window is also `live` (its buttons wired, the app's asks
/// answered; the default). The first frame's script (ui/src/first.ts) says it before the window
/// is live.
#[tauri::command]
pub fn ui_shown<R: Runtime>(
    app: AppHandle<R>,
    marks: Option<std::collections::BTreeMap<String, f64>>,
    live: Option<bool>,
    origin: Option<f64>,
) {
    let marks = marks.unwrap_or_default();
    crate::mark_shown(&marks, origin);
    if live.unwrap_or(true) {
        crate::mark_live(&marks);
        crate::start_desktop(&app);
    }
}

/// What the app asks of the window next (the tray's Join…, Schedule…, a start to confirm):
/// answered once there is an ask, or with none after a while, when the window asks again
/// ([`crate::asks`]).
#[tauri::command]
pub async fn window_ask(asks: State<'_, WindowAsks>) -> Result<Option<WindowAsk>, Error> {
    Ok(asks.next(crate::asks::WAIT).await)
}

/// Join: what the pasted text names, without opening anything.
#[tauri::command]
pub fn understand_join(desk: State<'_, Desk>, text: String) -> Result<JoinView, Error> {
    desk.understand_join(&text).map(|(view, _)| view)
}

/// Join: opens what the pasted text names, in the Zoom app or the browser as Settings say.
#[tauri::command]
pub fn join<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    text: String,
) -> Result<JoinView, Error> {
    let (view, link) = desk.understand_join(&text)?;
    crate::open(&app, &link)?;
    Ok(view)
}

/// When the window gains focus: a Zoom link on the clipboard not offered before, if any.
#[tauri::command]
pub fn join_offer(desk: State<'_, Desk>, clipboard: State<'_, Clipboard>) -> Option<JoinOffer> {
    let text = clipboard.read().ok()?;
    desk.join_offer(&text)
}

#[tauri::command]
pub async fn start_meeting<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    id: u64,
) -> Result<Started, Error> {
    let started = desk.start_meeting(id).await?;
    crate::open(&app, &started.opened)?;
    Ok(started)
}

#[tauri::command]
pub async fn start_personal_room<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
) -> Result<String, Error> {
    let link = desk.personal_room_start_link().await?;
    crate::open(&app, &link)?;
    Ok(link)
}

/// The PMI meeting a session started in the personal room now would run into, if any.
#[tauri::command]
pub async fn pmi_busy_now(desk: State<'_, Desk>) -> Result<Option<ScheduleWarningView>, Error> {
    desk.pmi_busy_now().await
}

#[tauri::command]
pub async fn check_schedule(
    desk: State<'_, Desk>,
    request: ScheduleRequest,
    editing: Option<u64>,
) -> Result<Vec<ScheduleWarningView>, Error> {
    desk.check_schedule(&request, editing).await
}

#[tauri::command]
pub async fn schedule_meeting(
    desk: State<'_, Desk>,
    request: ScheduleRequest,
    calendar_file: bool,
) -> Result<Scheduled, Error> {
    desk.schedule(&request, calendar_file).await
}

#[tauri::command]
pub async fn meeting(desk: State<'_, Desk>, id: u64) -> Result<MeetingView, Error> {
    desk.meeting(id).await
}

#[tauri::command]
pub async fn update_meeting(
    desk: State<'_, Desk>,
    id: u64,
    request: ScheduleRequest,
) -> Result<MeetingView, Error> {
    desk.update_meeting(id, &request).await
}

#[tauri::command]
pub async fn delete_meeting(desk: State<'_, Desk>, id: u64) -> Result<(), Error> {
    desk.delete_meeting(id).await
}

#[tauri::command]
pub async fn copy_personal_link(
    desk: State<'_, Desk>,
    clipboard: State<'_, Clipboard>,
) -> Result<String, Error> {
    let link = desk.personal_link().await?;
    clipboard.copy(&link).map(|()| link)
}

#[tauri::command]
pub async fn copy_join_link(
    desk: State<'_, Desk>,
    clipboard: State<'_, Clipboard>,
) -> Result<String, Error> {
    let link = desk.join_link().await?;
    clipboard.copy(&link).map(|()| link)
}

/// Zoom's invitation text for a meeting (`null`: the personal room), to show, not to copy.
#[tauri::command]
pub async fn invitation(desk: State<'_, Desk>, meeting: Option<u64>) -> Result<String, Error> {
    desk.invitation(meeting).await
}

#[tauri::command]
pub async fn copy_invitation(
    desk: State<'_, Desk>,
    clipboard: State<'_, Clipboard>,
    meeting: Option<u64>,
) -> Result<String, Error> {
    let invitation = desk.invitation(meeting).await?;
    clipboard.copy(&invitation).map(|()| invitation)
}

#[tauri::command]
pub async fn email_invitation<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
) -> Result<(), Error> {
    let mailto = desk.invitation_email().await?;
    crate::open(&app, &mailto)
}

#[tauri::command]
pub async fn set_room_settings(
    desk: State<'_, Desk>,
    change: RoomChange,
) -> Result<PersonalRoomView, Error> {
    desk.set_room_settings(change).await
}

#[tauri::command]
pub fn preferences(desk: State<'_, Desk>) -> Preferences {
    desk.preferences()
}

/// Checks and saves the preferences, then turns start at login on or off to match (off the UI
/// thread: the desktop's autostart entry is a file).
#[tauri::command]
pub async fn set_preferences<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    preferences: Preferences,
) -> Result<Preferences, Error> {
    let saved = desk.set_preferences(
        preferences,
        |on| crate::set_start_at_login(&app, on),
        |keys| crate::shortcuts::apply(&app, keys),
    )?;
    if let Some(wake) = app.try_state::<crate::reminders::Wake>() {
        wake.now();
    }
    Ok(saved)
}

#[tauri::command]
pub fn account(desk: State<'_, Desk>) -> AccountView {
    desk.account()
}

/// Opens Zoom's sign-in page in the browser and waits for its answer. `client_id` is what the
/// Settings field holds (the environment's Client ID wins over it).
#[tauri::command]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
    client_id: Option<String>,
) -> Result<AccountView, Error> {
    let pending = desk.begin_sign_in(client_id).await?;
    if let Err(err) = crate::open(&app, pending.url()) {
        desk.drop_sign_in(pending);
        return Err(err);
    }
    desk.finish_sign_in(pending).await
}

#[tauri::command]
pub fn cancel_sign_in(desk: State<'_, Desk>) {
    desk.cancel_sign_in();
}

#[tauri::command]
pub async fn sign_out(desk: State<'_, Desk>) -> Result<AccountView, Error> {
    desk.sign_out().await
}

#[tauri::command]
pub fn check_pmi(desk: State<'_, Desk>, pmi: String) -> Result<(), Error> {
    desk.check_pmi(&pmi)
}

#[tauri::command]
pub async fn set_pmi(desk: State<'_, Desk>, pmi: String) -> Result<PersonalRoomView, Error> {
    desk.set_pmi(&pmi).await
}

#[tauri::command]
pub async fn check_vanity_name(desk: State<'_, Desk>, name: String) -> Result<(), Error> {
    desk.check_vanity_name(&name).await
}

#[tauri::command]
pub async fn set_vanity_name(
    desk: State<'_, Desk>,
    name: String,
) -> Result<PersonalRoomView, Error> {
    desk.set_vanity_name(&name).await
}
