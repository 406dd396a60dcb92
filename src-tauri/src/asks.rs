//! What the app asks of the window: the tray's Join… and Schedule… open their dialogs there, and
//! its Start my personal room or New meeting near a PMI meeting ask there first. The window's
//! script waits for the next ask on the `window_ask` command, whose answer comes when there is
//! one (or with none after [`WAIT`], and the window asks again).
//!
//! Not Tauri events: on Linux, every event the page listens to, and every event sent to it, is a
//! script the app runs in the page (`webkit_web_view_evaluate_javascript`), and WebKit reads each
//! script's result into a JavaScript engine it starts in the app's own process for the purpose.
//! Listening to the three asks as events started that engine in every launch, ~9 ms after the
//! window was live, and it kept ~3 MB of the app's process (1.4 MB net of the whole app's PSS
//! after 5 s idle, 4 launches each, measured). A command's answer comes back as the answer to the
//! page's own request, with no script run. (Should one of the page's requests to the app ever
//! fail, Tauri's IPC script sends the page's calls by `postMessage` from then on, and their
//! answers come back as scripts run in the page, engine and all: a cost, not a fault.)
//!
//! An ask made while no window waits is kept for the window, in order, where an event nobody
//! listened to was lost: before the window is live, and while its page reloads. A page that goes
//! leaves its request waiting here (Tauri does not end a command whose page is gone), so the app
//! lets that request go as soon as a page starts loading ([`WindowAsks::page_gone`]), and what is
//! asked from then on waits for the new page's request.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::Notify;
use ts_rs::TS;

/// One thing the app asks of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum WindowAsk {
    /// The tray's Join…: the Join dialog.
    OpenJoin,
    /// The tray's Schedule…: the Schedule dialog.
    OpenSchedule,
    /// The tray's Start my personal room near a PMI meeting: the window asks before it starts.
    ConfirmRoom,
    /// The tray's New Meeting on the PMI near a PMI meeting: the window asks before it starts.
    ConfirmNewMeeting,
}

/// How long the window's request waits with nothing to ask before it is answered with nothing
/// (and the window asks again): no webview is relied on to keep a request open for ever.
pub const WAIT: Duration = Duration::from_secs(50);

/// The asks not yet taken by the window.
#[derive(Default)]
pub struct WindowAsks {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Default)]
struct State {
    asks: VecDeque<WindowAsk>,
    /// The newest request's number. Only the newest request is answered: a page that reloads
    /// leaves its request waiting here, and the new page's request takes over from it.
    newest: u64,
}

impl WindowAsks {
    /// Asks the window, which takes it now if it waits, or on its next request.
    pub fn ask(&self, ask: WindowAsk) {
        self.state().asks.push_back(ask);
        self.changed.notify_waiters();
    }

    /// The next ask, once there is one. `None` after `wait` without one, or once a newer request
    /// waits (an older one is a page gone).
    pub async fn next(&self, wait: Duration) -> Option<WindowAsk> {
        let me = {
            let mut state = self.state();
            state.newest += 1;
            state.newest
        };
        self.changed.notify_waiters();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // Registered before the state is read, so an ask made in between still wakes it.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut state = self.state();
                if state.newest != me {
                    return None;
                }
                if let Some(ask) = state.asks.pop_front() {
                    return Some(ask);
                }
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return None;
            }
        }
    }

    /// The window's page is going (a reload, or WebKit starting it afresh): its request, if it
    /// left one waiting, is answered with nothing, and asks wait for the next page's request.
    pub fn page_gone(&self) {
        self.state().newest += 1;
        self.changed.notify_waiters();
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tokio::task::JoinHandle;

    /// A window's request, waiting by the time this returns.
    async fn request(asks: &Arc<WindowAsks>) -> JoinHandle<Option<WindowAsk>> {
        let asks = asks.clone();
        let request = tokio::spawn(async move { asks.next(WAIT).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        request
    }

    /// What `request` is answered, which must come at once.
    async fn answer(request: JoinHandle<Option<WindowAsk>>) -> Option<WindowAsk> {
        tokio::time::timeout(Duration::from_secs(5), request)
            .await
            .expect("answered at once")
            .unwrap()
    }

    #[tokio::test]
    async fn asks_made_before_the_window_waits_are_taken_in_order() {
        let asks = WindowAsks::default();
        asks.ask(WindowAsk::OpenJoin);
        asks.ask(WindowAsk::ConfirmRoom);
        assert_eq!(asks.next(WAIT).await, Some(WindowAsk::OpenJoin));
        assert_eq!(asks.next(WAIT).await, Some(WindowAsk::ConfirmRoom));
    }

    #[tokio::test]
    async fn a_waiting_window_is_answered_when_asked() {
        let asks = Arc::new(WindowAsks::default());
        let waiting = request(&asks).await;
        asks.ask(WindowAsk::OpenSchedule);
        assert_eq!(answer(waiting).await, Some(WindowAsk::OpenSchedule));
    }

    #[tokio::test]
    async fn a_request_with_nothing_to_ask_is_answered_with_nothing_after_the_wait() {
        let asks = WindowAsks::default();
        let wait = Duration::from_millis(200);
        let asked = std::time::Instant::now();
        assert_eq!(asks.next(wait).await, None);
        assert!(asked.elapsed() >= wait, "{:?}", asked.elapsed());
        // What is asked after is kept for the next request.
        asks.ask(WindowAsk::ConfirmNewMeeting);
        assert_eq!(asks.next(wait).await, Some(WindowAsk::ConfirmNewMeeting));
    }

    #[tokio::test]
    async fn what_is_asked_while_the_page_reloads_waits_for_the_new_page() {
        let asks = Arc::new(WindowAsks::default());
        let gone = request(&asks).await;
        asks.page_gone();
        asks.ask(WindowAsk::OpenJoin);
        assert_eq!(
            answer(gone).await,
            None,
            "not answered to the page that went"
        );
        assert_eq!(asks.next(WAIT).await, Some(WindowAsk::OpenJoin));
    }

    #[tokio::test]
    async fn a_newer_request_takes_over_and_the_older_gets_nothing() {
        let asks = Arc::new(WindowAsks::default());
        let gone = request(&asks).await;
        let reloaded = request(&asks).await;
        assert_eq!(answer(gone).await, None);
        asks.ask(WindowAsk::OpenJoin);
        assert_eq!(answer(reloaded).await, Some(WindowAsk::OpenJoin));
    }
}
