#!/usr/bin/env bash
# `make bench`: PMI Desk side by side with a bare Tauri window, in release, under Xvfb and a
# session D-Bus (see tests/bench/bench.rs for what is measured and how).
#   scripts/bench.sh [RUNS]    (45 runs of each app by default: see RUNS in tests/bench/measure.rs)
# It builds the .deb first when the bundler is installed (`make bench` installs it), then both
# apps the same way (`cargo build --release`, the same tauri and features), and runs the tray's
# in-process benchmark. Not part of `make test`: it measures, it does not check behaviour.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"

if [ -z "${PMI_DESK_UNDER_XVFB:-}" ]; then
  export PMI_DESK_UNDER_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
fi

target="${CARGO_TARGET_DIR:-$root/target}"
(cd ui && npm run --silent build)
if [ -x "$root/.tools/bin/cargo-tauri" ]; then
  echo "==> The .deb, for its size"
  scripts/package.sh >/dev/null
fi
echo "==> PMI Desk and the bare window, built alike"
cargo build --release -p pmi-desk -p bench-bare
cargo build --release -p pmi-desk-e2e --bin bench
echo "==> The tray's actions, in process (release)"
cargo test --release -p pmi-desk --lib bench_tray_actions -- --ignored --quiet
echo "==> Launch and memory, side by side; the local service; sizes"
"$target/release/bench" ${1:+"$1"}
