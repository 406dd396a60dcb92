//! The system tray: start the personal room in one click, copy its link or invitation, start or
//! schedule a meeting, start the next meeting today. Each action confirms with a notification.
//! The menu is an enum that converts to and from `MenuId`. The icon is not built in tests; the
//! actions are tested directly through `perform`.

use tauri::menu::{MenuId, MenuItem};
use tauri::{AppHandle, Manager, Runtime};

use crate::asks::{WindowAsk, WindowAsks};
use crate::clipboard::Clipboard;
use crate::desk::Desk;
use crate::error::Error;
use crate::views::MeetingView;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrayAction {
    StartRoom,
    CopyPersonalLink,
    CopyInvitation,
    NewMeeting,
    Join,
    Schedule,
    NextMeeting,
    Open,
    Quit,
}

impl TrayAction {
    pub const ALL: [TrayAction; 9] = [
        TrayAction::StartRoom,
        TrayAction::CopyPersonalLink,
        TrayAction::CopyInvitation,
        TrayAction::NewMeeting,
        TrayAction::Join,
        TrayAction::Schedule,
        TrayAction::NextMeeting,
        TrayAction::Open,
        TrayAction::Quit,
    ];

    pub fn id(self) -> &'static str {
        match self {
            TrayAction::StartRoom => "start-room",
            TrayAction::CopyPersonalLink => "copy-personal-link",
            TrayAction::CopyInvitation => "copy-invitation",
            TrayAction::NewMeeting => "new-meeting",
            TrayAction::Join => "join",
            TrayAction::Schedule => "schedule",
            TrayAction::NextMeeting => "next-meeting",
            TrayAction::Open => "open",
            TrayAction::Quit => "quit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrayAction::StartRoom => "Start my personal room",
            TrayAction::CopyPersonalLink => "Copy personal link",
            TrayAction::CopyInvitation => "Copy invitation",
            TrayAction::NewMeeting => "New meeting",
            TrayAction::Join => "Join…",
            TrayAction::Schedule => "Schedule…",
            TrayAction::NextMeeting => "No more meetings today",
            TrayAction::Open => "Open PMI Desk",
            TrayAction::Quit => "Quit",
        }
    }
}

impl From<TrayAction> for MenuId {
    fn from(action: TrayAction) -> MenuId {
        MenuId::new(action.id())
    }
}

impl TryFrom<&MenuId> for TrayAction {
    type Error = ();
    fn try_from(id: &MenuId) -> Result<Self, ()> {
        TrayAction::ALL
            .into_iter()
            .find(|a| a.id() == id.as_ref())
            .ok_or(())
    }
}

/// What a notification says after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub summary: String,
    pub body: String,
}

fn confirmation(summary: &str, body: impl Into<String>) -> Option<Confirmation> {
    Some(Confirmation {
        summary: summary.to_owned(),
        body: body.into(),
    })
}

/// Shows and focuses the main window.
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The tray actions under way: a second click on one that is still running does nothing, so
/// two quick clicks on New meeting make one meeting.
#[derive(Default)]
pub struct Busy(std::sync::Mutex<std::collections::HashSet<TrayAction>>);

/// Marks an action as under way until dropped.
struct Running<'a>(&'a Busy, TrayAction);

impl Busy {
    fn start(&self, action: TrayAction) -> Option<Running<'_>> {
        let mut running = self.0.lock().unwrap_or_else(|p| p.into_inner());
        running.insert(action).then(|| Running(self, action))
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0
             .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.1);
    }
}

/// Does what a menu item says; returns what to confirm. Nothing, when the same action is
/// still under way.
pub async fn perform<R: Runtime>(
    app: &AppHandle<R>,
    action: TrayAction,
) -> Result<Option<Confirmation>, Error> {
    let busy = app.state::<Busy>();
    let Some(_running) = busy.start(action) else {
        tracing::info!(?action, "still under way; the second click does nothing");
        return Ok(None);
    };
    let desk = app.state::<Desk>();
    let clipboard = app.state::<Clipboard>();
    match action {
        // A session in the personal room near a PMI meeting: the window asks first (from what
        // is cached, so the tray still answers at once and offline).
        TrayAction::StartRoom | TrayAction::NewMeeting
            if desk.pmi_busy_from_cache(action == TrayAction::NewMeeting) =>
        {
            show_main(app);
            app.state::<WindowAsks>()
                .ask(if action == TrayAction::StartRoom {
                    WindowAsk::ConfirmRoom
                } else {
                    WindowAsk::ConfirmNewMeeting
                });
            Ok(None)
        }
        TrayAction::StartRoom => {
            let link = desk.personal_room_start_link().await?;
            crate::open(app, &link)?;
            let pmi = desk
                .cached_room()
                .map(|r| r.pmi_formatted)
                .unwrap_or_default();
            Ok(confirmation(
                "Personal room started",
                format!("Personal Meeting ID {pmi}"),
            ))
        }
        TrayAction::CopyPersonalLink => {
            let link = desk.personal_link().await?;
            clipboard.copy(&link)?;
            Ok(confirmation("Personal link copied", link))
        }
        TrayAction::CopyInvitation => {
            let invitation = desk.invitation(None).await?;
            clipboard.copy(&invitation)?;
            Ok(confirmation(
                "Invitation copied",
                "Paste it into an email or a chat.",
            ))
        }
        TrayAction::NewMeeting => {
            let started = desk.new_meeting(false).await?;
            crate::open(app, &started.opened)?;
            Ok(confirmation(
                "Meeting started",
                format!("Meeting ID {}", started.meeting.join_number_formatted),
            ))
        }
        TrayAction::Join => {
            show_main(app);
            app.state::<WindowAsks>().ask(WindowAsk::OpenJoin);
            Ok(None)
        }
        TrayAction::Schedule => {
            show_main(app);
            app.state::<WindowAsks>().ask(WindowAsk::OpenSchedule);
            Ok(None)
        }
        TrayAction::NextMeeting => {
            let reminded = app
                .try_state::<Reminded>()
                .and_then(|r| *r.0.lock().unwrap_or_else(|p| p.into_inner()));
            if let Some(id) = reminded {
                // The item names the meeting just reminded of: that one starts.
                let started = desk.start_meeting(id).await?;
                crate::open(app, &started.opened)?;
                return Ok(confirmation("Meeting started", started.meeting.topic));
            }
            next_meeting(app, &desk).await
        }
        TrayAction::Open => {
            show_main(app);
            Ok(None)
        }
        TrayAction::Quit => {
            app.exit(0);
            Ok(None)
        }
    }
}

/// Starts the next meeting today, if there is one left.
async fn next_meeting<R: Runtime>(
    app: &AppHandle<R>,
    desk: &Desk,
) -> Result<Option<Confirmation>, Error> {
    match desk.next_meeting_today().await? {
        Some(next) => {
            let started = desk.start_meeting(next.id).await?;
            crate::open(app, &started.opened)?;
            Ok(confirmation("Meeting started", next.topic))
        }
        None => Ok(confirmation("No more meetings today", "")),
    }
}

/// The "next meeting today" item, kept to update its label.
pub struct NextItem<R: Runtime>(pub MenuItem<R>);

/// "Start: Weekly 1:1 at 09:30", or disabled when there is none left today.
pub fn next_label(next: Option<&MeetingView>) -> (String, bool) {
    match next {
        Some(m) => {
            let at = m
                .start
                .as_deref()
                .and_then(crate::desk::local_time)
                .unwrap_or_default();
            (format!("Start: {} at {at}", m.topic), true)
        }
        None => (TrayAction::NextMeeting.label().to_owned(), false),
    }
}

/// Updates the next-meeting item, if the tray exists.
pub fn show_next<R: Runtime>(app: &AppHandle<R>, next: Option<&MeetingView>) {
    if let Some(reminded) = app.try_state::<Reminded>() {
        reminded.0.lock().unwrap_or_else(|p| p.into_inner()).take();
    }
    if let Some(item) = app.try_state::<NextItem<R>>() {
        let (label, enabled) = next_label(next);
        let _ = item.0.set_text(label);
        let _ = item.0.set_enabled(enabled);
    }
}

/// As `show_next`, but a reminder the item shows stays (the reminders' own reads).
pub fn refresh_next<R: Runtime>(app: &AppHandle<R>, next: Option<&MeetingView>) {
    let reminding = app
        .try_state::<Reminded>()
        .is_some_and(|r| r.0.lock().unwrap_or_else(|p| p.into_inner()).is_some());
    if !reminding {
        show_next(app, next);
    }
}

/// Runs an action of the tray (or of a global shortcut) and confirms it in a notification.
#[cfg_attr(test, allow(dead_code))]
pub fn run<R: Runtime>(app: &AppHandle<R>, action: TrayAction) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        match perform(&app, action).await {
            Ok(Some(done)) => crate::notify::confirm(&done.summary, &done.body),
            Ok(None) => {}
            Err(err) => crate::notify::confirm("PMI Desk", &err.to_string()),
        }
    });
}

/// The meeting the next-meeting item names after a reminder, which it then starts.
#[derive(Default)]
pub struct Reminded(std::sync::Mutex<Option<u64>>);

/// A reminder shown: the next-meeting item says it too, and starts that meeting.
pub fn show_reminder<R: Runtime>(app: &AppHandle<R>, reminder: &pmi_core::Reminder) {
    if let Some(item) = app.try_state::<NextItem<R>>() {
        let pmi = if reminder.on_pmi {
            " · on your PMI"
        } else {
            ""
        };
        let _ = item.0.set_text(format!("Start: {}{pmi}", reminder.summary));
        let _ = item.0.set_enabled(true);
    }
    if let Some(reminded) = app.try_state::<Reminded>() {
        *reminded.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(reminder.meeting_id);
    }
}

/// Builds the tray icon and its menu.
#[cfg(not(test))]
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    use tauri::menu::{Menu, PredefinedMenuItem};
    use tauri::tray::TrayIconBuilder;

    let item = |a: TrayAction| MenuItem::with_id(app, a, a.label(), true, None::<&str>);
    // The tray is made once the window shows the room, after the meetings were read for it
    // (`commands::shown` found no item to update then): the item starts from that read.
    let meetings = app
        .try_state::<Desk>()
        .map(|desk| desk.cached_meetings())
        .unwrap_or_default();
    let (label, enabled) = next_label(crate::desk::next_today(&meetings));
    let next = MenuItem::with_id(app, TrayAction::NextMeeting, label, enabled, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &item(TrayAction::StartRoom)?,
            &item(TrayAction::CopyPersonalLink)?,
            &item(TrayAction::CopyInvitation)?,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayAction::NewMeeting)?,
            &item(TrayAction::Join)?,
            &item(TrayAction::Schedule)?,
            &next,
            &PredefinedMenuItem::separator(app)?,
            &item(TrayAction::Open)?,
            &item(TrayAction::Quit)?,
        ],
    )?;
    app.manage(NextItem(next));
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("PMI Desk")
        .menu(&menu)
        .on_menu_event(|app, event| {
            if let Ok(action) = TrayAction::try_from(event.id()) {
                run(app, action);
            }
        });
    // macOS draws menu-bar icons as templates (black and alpha, tinted for light and dark);
    // elsewhere the app's own icon.
    #[cfg(target_os = "macos")]
    {
        builder = builder
            .icon(tauri::image::Image::from_bytes(include_bytes!(
                "../../icons/tray-template@2x.png"
            ))?)
            .icon_as_template(true);
    }
    #[cfg(not(target_os = "macos"))]
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_its_menu_id() {
        for action in TrayAction::ALL {
            assert_eq!(TrayAction::try_from(&MenuId::from(action)), Ok(action));
        }
        assert!(TrayAction::try_from(&MenuId::new("nope")).is_err());
    }
}
