//! `make bench`: PMI Desk side by side with a bare Tauri 2 window (tests/bench/bare), built from
//! the same toolchain and features, under the Xvfb display and session D-Bus `scripts/bench.sh`
//! gives it. No WebDriver in the measured path:
//!
//! - launch: from spawning the binary to the line it prints when its page is shown: the first
//!   frame with the Meetings tab showing the PMI (PMI Desk's UI reports it), and the first frame
//!   after the bare page's load event, each once laid out and painted (both pages mark the task
//!   after that frame's animation-frame callbacks);
//! - memory: 5 s after that, in the first 15 runs, PSS summed over the process and all its
//!   children (the WebKit web and network processes), from `/proc/<pid>/smaps_rollup`;
//! - the tray: read from `target/bench/tray.json`, which the in-process tray benchmark wrote;
//! - the local service: 1,000 creates from 8 concurrent clients, then 10,000 meetings listed
//!   page by page (page_size 300);
//! - sizes: the stripped release binary and the `.deb`.
//!
//! Runs (45 of each by default) alternate between the two apps, each on fresh data and cache
//! folders, after one launch of each that is not counted. It prints a table and writes it as
//! JSON to `target/bench/bench.json`; its last line is `bench: launch <r>x, memory <r>x a bare
//! Tauri window` (ratios of the medians). Both paint alike: on the CPU when the machine has no
//! GPU device, as PMI Desk chooses there.
//!
//! It measures what Linux shows (`/proc`, Xvfb): on other systems it says so and stops.

// A benchmark fails by stopping with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_os = "linux")]
mod measure;

#[cfg(target_os = "linux")]
fn main() -> anyhow::Result<()> {
    measure::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("make bench measures on Linux only (Xvfb, a session D-Bus and /proc)");
    std::process::exit(2);
}
