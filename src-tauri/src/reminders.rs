//! Reminders before upcoming meetings: a native notification N minutes before each one (with a
//! Start action where the platform has actions), and the tray's next-meeting item saying so.
//!
//! Planned from wall-clock times, never from timers set long in advance: the loop looks at the
//! clock at least every 30 s and whenever the meetings are read again, so a machine that slept
//! or a clock that was changed is caught up at once. Which reminders were shown is kept in the
//! account's cache, so one meeting is never reminded twice, not even across a restart.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use tauri::{AppHandle, Manager, Runtime};

use crate::desk::Desk;
use crate::views::MeetingView;

/// A reminder is still worth showing this long after the start (say, the machine woke late).
const LATE_GRACE: Duration = Duration::minutes(1);
/// The longest the loop waits before it looks at the clock again.
const LONGEST_NAP: StdDuration = StdDuration::from_secs(30);
/// How often the meetings are read again when nothing else reads them (the window closed).
// The loop runs in the app only; the end-to-end tests see it work.
#[cfg_attr(test, allow(dead_code))]
const REFRESH_EVERY: Duration = Duration::minutes(5);

/// One reminder to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// The meeting and its start: a recurring meeting's next occurrence is another reminder.
    pub key: String,
    pub meeting_id: u64,
    pub on_pmi: bool,
    pub summary: String,
    pub body: String,
}

/// Wakes the loop when the meetings were read again or the settings changed.
#[derive(Default)]
pub struct Wake(tokio::sync::Notify);

impl Wake {
    pub fn now(&self) {
        self.0.notify_one();
    }
}

fn key(m: &MeetingView, start: DateTime<Utc>) -> String {
    format!("{}@{}", m.id, start.timestamp())
}

/// The reminders due at `now` for `meetings`, `minutes` ahead, leaving out those in `shown`. A
/// PMI meeting that starts within `gap` of the end of another PMI meeting says so: people from
/// the first may still be in the room.
pub fn due(
    meetings: &[MeetingView],
    now: DateTime<Utc>,
    minutes: u32,
    gap: Duration,
    shown: &[String],
) -> Vec<Reminder> {
    let ahead = Duration::minutes(i64::from(minutes));
    meetings
        .iter()
        .filter_map(|m| {
            let (start, _) = m.span()?;
            let k = key(m, start);
            let window = now >= start - ahead && now < start + LATE_GRACE;
            (window && !shown.contains(&k)).then_some((m, start, k))
        })
        .map(|(m, start, key)| {
            let at = start
                .with_timezone(&chrono::Local)
                .format("%H:%M")
                .to_string();
            let mut body = if m.on_pmi {
                format!("Starts at {at} on your Personal Meeting ID")
            } else {
                format!("Starts at {at} · Meeting ID {}", m.join_number_formatted)
            };
            if m.on_pmi {
                let before = meetings.iter().filter(|o| o.on_pmi && o.id != m.id).find_map(|o| {
                    let (o_start, o_end) = o.span()?;
                    (o_start < start && o_end + gap > start).then_some((o, o_end))
                });
                if let Some((o, o_end)) = before {
                    let end = o_end.with_timezone(&chrono::Local).format("%H:%M");
                    body.push_str(&format!(
                        ", right after “{}” (ends {end}) on the same ID: people from it may still be in the room",
                        o.topic
                    ));
                }
            }
            let minutes_left = (start - now).num_minutes().max(0);
            let summary = if now >= start {
                format!("{} has started", m.topic)
            } else if minutes_left == 0 {
                format!("{} starts now", m.topic)
            } else {
                format!("{} in {minutes_left} min", m.topic)
            };
            Reminder {
                key,
                meeting_id: m.id,
                on_pmi: m.on_pmi,
                summary,
                body,
            }
        })
        .collect()
}

/// When the loop must look again: the next reminder's moment, or a nap at most.
fn next_look(meetings: &[MeetingView], now: DateTime<Utc>, minutes: u32) -> StdDuration {
    let ahead = Duration::minutes(i64::from(minutes));
    meetings
        .iter()
        .filter_map(|m| Some(m.span()?.0 - ahead))
        .filter(|at| *at > now)
        .min()
        .and_then(|at| (at - now).to_std().ok())
        .map_or(LONGEST_NAP, |d| d.min(LONGEST_NAP))
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
                // Nothing read the meetings for a while (the window is closed): read them here.
                if let Err(err) = desk.overview().await {
                    tracing::debug!(%err, "reminders: meetings not read again");
                }
                last_read = Utc::now();
            }
            let meetings = desk.cached_meetings();
            let now = Utc::now();
            let nap = if prefs.reminders {
                let shown = desk.reminders_shown();
                let gap = desk.back_to_back_gap();
                for reminder in due(&meetings, now, prefs.reminder_minutes, gap, &shown) {
                    desk.mark_reminded(&reminder.key);
                    crate::tray::show_reminder(&app, &reminder);
                    show(&app, reminder);
                }
                next_look(&meetings, now, prefs.reminder_minutes)
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn meeting(
        id: u64,
        topic: &str,
        start: DateTime<Utc>,
        minutes: u32,
        on_pmi: bool,
    ) -> MeetingView {
        MeetingView {
            id,
            join_number_formatted: "857 4606 5432".into(),
            topic: topic.into(),
            start: Some(start.to_rfc3339()),
            duration_minutes: Some(minutes),
            time_zone: None,
            join_link: String::new(),
            on_pmi,
            recurring: false,
            instant: false,
            passcode: None,
            waiting_room: false,
            host_video: false,
            participant_video: false,
            recurrence: None,
        }
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 1, 2, h, m, 0).unwrap()
    }

    #[test]
    fn a_reminder_comes_n_minutes_before_and_only_once() {
        let meetings = [meeting(1, "Plan", at(10, 0), 30, false)];
        let gap = Duration::minutes(15);
        assert!(
            due(&meetings, at(9, 54), 5, gap, &[]).is_empty(),
            "too early"
        );
        let first = due(&meetings, at(9, 55), 5, gap, &[]);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].summary, "Plan in 5 min");
        let shown = vec![first[0].key.clone()];
        assert!(
            due(&meetings, at(9, 57), 5, gap, &shown).is_empty(),
            "never twice"
        );
        // The clock set back and forward again: still once.
        assert!(due(&meetings, at(9, 56), 5, gap, &shown).is_empty());
    }

    #[test]
    fn a_machine_that_slept_is_reminded_on_waking_while_it_is_still_useful() {
        let meetings = [meeting(1, "Plan", at(10, 0), 30, false)];
        let gap = Duration::minutes(15);
        let late = due(&meetings, at(10, 0) + Duration::seconds(30), 5, gap, &[]);
        assert_eq!(late[0].summary, "Plan has started");
        assert!(
            due(&meetings, at(10, 2), 5, gap, &[]).is_empty(),
            "too late to help"
        );
    }

    #[test]
    fn a_pmi_meeting_right_after_another_says_so() {
        let meetings = [
            meeting(1, "Design review", at(9, 0), 60, true),
            meeting(2, "1:1", at(10, 10), 30, true),
            meeting(3, "Elsewhere", at(10, 10), 30, false),
        ];
        let reminders = due(&meetings, at(10, 6), 5, Duration::minutes(15), &[]);
        let pmi = reminders.iter().find(|r| r.meeting_id == 2).unwrap();
        assert!(
            pmi.body.contains("on your Personal Meeting ID"),
            "{}",
            pmi.body
        );
        assert!(
            pmi.body.contains("right after “Design review”"),
            "{}",
            pmi.body
        );
        let other = reminders.iter().find(|r| r.meeting_id == 3).unwrap();
        assert!(!other.body.contains("right after"), "{}", other.body);
        let far = due(&meetings, at(10, 6), 5, Duration::minutes(5), &[]);
        assert!(!far.iter().any(|r| r.body.contains("right after")));
    }

    #[test]
    fn the_loop_looks_again_at_the_next_reminder_or_within_30_s() {
        let meetings = [meeting(1, "Plan", at(10, 0), 30, false)];
        assert_eq!(
            next_look(&meetings, at(9, 54) + Duration::seconds(50), 5),
            StdDuration::from_secs(10)
        );
        assert_eq!(next_look(&meetings, at(8, 0), 5), LONGEST_NAP);
        assert_eq!(next_look(&[], at(8, 0), 5), LONGEST_NAP);
    }
}
