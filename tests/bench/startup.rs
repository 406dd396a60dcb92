//! Measures PMI Desk's cold start and memory under Xvfb: for each run, a fresh data folder, the
//! time from asking WebDriver for the app until the personal room's PMI is on screen, then the
//! memory of the app and its WebKit processes after 3 s idle (RSS, and PSS, which does not count
//! shared libraries twice). Run it with `scripts/bench.sh`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use pmi_desk_e2e::App;

/// Every process below `root` (its children, their children, …), `root` included.
fn process_tree(root: u32) -> Vec<u32> {
    let mut parents: HashMap<u32, u32> = HashMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // The parent PID is the second field after the parenthesised command name.
            let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
            if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
                parents.insert(pid, ppid);
            }
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, p)| **p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    tree
}

fn kib(path: &str, key: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The app's PID: the process running the app binary.
fn app_pid(binary: &str) -> Option<u32> {
    let wanted = std::fs::canonicalize(binary).ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_string_lossy().parse().ok()?;
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
        (exe == wanted).then_some(pid)
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> Result<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let binary = pmi_desk_e2e::app_binary();
    println!("app: {}", binary.display());
    let (mut starts, mut rss, mut pss) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        let data = tempfile::tempdir()?;
        let asked = Instant::now();
        let app = App::launch_on(data.path()).await?;
        app.wait_for_text("[data-testid=pmi]", |t| t.len() == 12)
            .await?;
        let start_ms = asked.elapsed().as_secs_f64() * 1000.0;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let pid = app_pid(&binary.to_string_lossy()).context("the app process was not found")?;
        let mut total_rss = 0;
        let mut total_pss = 0;
        let mut parts = Vec::new();
        for p in process_tree(pid) {
            let r = kib(&format!("/proc/{p}/status"), "VmRSS:");
            let s = kib(&format!("/proc/{p}/smaps_rollup"), "Pss:");
            total_rss += r;
            total_pss += s;
            parts.push(format!("{} {} MiB", name(p), s / 1024));
        }
        println!(
            "run {run}: PMI shown after {start_ms:.0} ms; RSS {} MiB, PSS {} MiB ({})",
            total_rss / 1024,
            total_pss / 1024,
            parts.join(", ")
        );
        starts.push(start_ms);
        rss.push(total_rss as f64 / 1024.0);
        pss.push(total_pss as f64 / 1024.0);
        app.quit().await?;
    }
    println!(
        "median of {runs}: PMI shown after {:.0} ms; RSS {:.0} MiB; PSS {:.0} MiB",
        median(starts),
        median(rss),
        median(pss)
    );
    Ok(())
}
