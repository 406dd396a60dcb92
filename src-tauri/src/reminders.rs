//! Reminders before upcoming meetings: a native notification N minutes before each one (with a
//! Start action where the platform has actions), and the tray's next-meeting item saying so.
//!
//! Planned from wall-clock times, never from timers set long in advance: the loop looks at the
//! clock at least every 30 s and whenever the meetings are read again, so a machine that slept
//! or a clock that was changed is caught up at once. Which reminders were shown is kept in the
//! account's cache, so one meeting is never reminded twice, not even across a restart.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use pmi_core::{Reminder, Upcoming};
use tauri::{AppHandle, Manager, Runtime};

use crate::desk::Desk;
use crate::views::MeetingView;

/// The longest the loop waits before it looks at the clock again.
const LONGEST_NAP: StdDuration = StdDuration::from_secs(30);
/// How often the meetings are read again when nothing else reads them (the window closed).
// The loop runs in the app only; the end-to-end tests see it work.
#[cfg_attr(test, allow(dead_code))]
const REFRESH_EVERY: Duration = Duration::minutes(5);

/// Wakes the loop when the meetings were read again or the settings changed.
#[derive(Default)]
pub struct Wake(tokio::sync::Notify);

impl Wake {
    pub fn now(&self) {
        self.0.notify_one();
    }
}

/// The listed meetings with a fixed time, as the planner in `pmi-core` takes them.
#[cfg_attr(test, allow(dead_code))]
fn upcoming(meetings: &[MeetingView]) -> Vec<Upcoming> {
    meetings
        .iter()
        .filter_map(|m| {
            let (start, end) = m.span()?;
            Some(Upcoming {
                id: m.id,
                topic: m.topic.clone(),
                start,
                end,
                on_pmi: m.on_pmi,
                join_number: m.join_number_formatted.clone(),
            })
        })
        .collect()
}

/// "09:30" on this computer's clock.
#[cfg_attr(test, allow(dead_code))]
fn local_clock(t: chrono::DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%H:%M").to_string()
}

/// Runs for the life of the app.
#[cfg_attr(test, allow(dead_code))]
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut last_read = Utc::now();
        loop {
            let desk = app.state::<Desk>();
            let prefs = desk.preferences();
            if prefs.reminders && Utc::now() - last_read > REFRESH_EVERY {
                // Nothing read the meetings for a while (the window is closed): read them here,
                // and the tray's next meeting follows (unless it shows a reminder).
                match desk.overview().await {
                    Ok(overview) => {
                        crate::tray::refresh_next(&app, crate::desk::next_today(&overview.meetings))
                    }
                    Err(err) => tracing::debug!(%err, "reminders: meetings not read again"),
                }
                last_read = Utc::now();
            }
            let meetings = upcoming(&desk.cached_meetings());
            let now = Utc::now();
            let nap = if prefs.reminders {
                let shown = desk.reminders_shown();
                let gap = desk.back_to_back_gap();
                let minutes = prefs.reminder_minutes;
                for reminder in pmi_core::due(&meetings, now, minutes, gap, &shown, local_clock) {
                    desk.mark_reminded(&reminder.key);
                    crate::tray::show_reminder(&app, &reminder);
                    show(&app, reminder);
                }
                pmi_core::next_look(&meetings, now, minutes, LONGEST_NAP)
            } else {
                LONGEST_NAP
            };
            let wake = app.state::<Wake>();
            tokio::select! {
                () = tokio::time::sleep(nap) => {}
                () = wake.0.notified() => {}
            }
        }
    });
}

/// The notification, off the async runtime; its Start action starts the meeting.
#[cfg_attr(test, allow(dead_code))]
fn show<R: Runtime>(app: &AppHandle<R>, reminder: Reminder) {
    let app = app.clone();
    std::thread::spawn(move || {
        let mut note = notify_rust::Notification::new();
        note.appname("PMI Desk")
            .summary(&reminder.summary)
            .body(&reminder.body)
            .timeout(notify_rust::Timeout::Milliseconds(60_000));
        #[cfg(all(unix, not(target_os = "macos")))]
        note.action("start", "Start");
        match note.show() {
            Ok(_shown) => {
                tracing::info!(key = %reminder.key, "reminder shown");
                #[cfg(all(unix, not(target_os = "macos")))]
                _shown.wait_for_action(|action| {
                    if action == "start" {
                        start(&app, reminder.meeting_id);
                    }
                });
            }
            Err(err) => tracing::warn!(%err, "could not show a reminder"),
        }
        drop(app);
    });
}

#[cfg(all(unix, not(target_os = "macos")))]
#[cfg_attr(test, allow(dead_code))]
fn start<R: Runtime>(app: &AppHandle<R>, id: u64) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let started = app.state::<Desk>().start_meeting(id).await;
        if let Err(err) = started.and_then(|s| crate::open(&app, &s.opened)) {
            tracing::warn!(%err, "the reminder's Start did not start the meeting");
        }
    });
}
