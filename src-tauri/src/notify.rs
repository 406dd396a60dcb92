//! Desktop notifications (notify-rust) that confirm tray actions. Without a notification daemon
//! the app logs a warning and goes on.

/// Shows a notification off the calling thread; never fails the action it confirms.
// Only the tray calls it, and the tray is compiled out of unit tests.
#[cfg_attr(test, allow(dead_code))]
pub fn confirm(summary: &str, body: &str) {
    let summary = summary.to_owned();
    let body = body.to_owned();
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("PMI Desk")
            .summary(&summary)
            .body(&body)
            .timeout(notify_rust::Timeout::Milliseconds(4000))
            .show();
        if let Err(err) = shown {
            tracing::warn!(%err, %summary, "could not show a notification");
        }
    });
}
