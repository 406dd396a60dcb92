//! A bare Tauri 2 window whose page only says that it loaded: what `make bench` compares PMI
//! Desk's launch and memory with. Like PMI Desk's, its window starts hidden and is shown when
//! its page has loaded: shown at once, GTK's first draw of it waits up to 0.5 s for a web process
//! still starting (without compositing, in most launches), which would measure WebKit's wait,
//! not the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

static LAUNCHED: OnceLock<(Instant, SystemTime)> = OnceLock::new();

/// Prints the mark `make bench` waits for: the page's first frame after it loaded, as PMI Desk
/// marks its first frame with the personal room, with the moment the page began to load
/// (`origin`: its `performance.timeOrigin`, ms since the Unix epoch), as PMI Desk says it.
#[tauri::command]
fn loaded(origin: Option<f64>) {
    let Some((at, launched)) = LAUNCHED.get() else {
        return;
    };
    let ms = at.elapsed().as_millis();
    let launched = launched
        .duration_since(UNIX_EPOCH)
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    match origin.map(|o| o - launched) {
        Some(began) if began.is_finite() && began >= 0.0 => println!(
            "bench-bare: page loaded {ms} ms after launch; its page began {began:.0} ms after launch"
        ),
        _ => println!("bench-bare: page loaded {ms} ms after launch"),
    }
}

fn main() {
    LAUNCHED.get_or_init(|| (Instant::now(), SystemTime::now()));
    if let Err(err) = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![loaded])
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                let _ = webview.window().show();
            }
        })
        .run(tauri::generate_context!())
    {
        eprintln!("bench-bare: {err}");
        std::process::exit(1);
    }
}
