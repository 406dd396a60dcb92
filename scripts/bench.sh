#!/usr/bin/env bash
# Cold start and memory of the release app under Xvfb (see tests/bench/startup.rs).
#   scripts/bench.sh [RUNS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
(cd ui && npm run --silent build)
cargo build --release -p pmi-desk
cargo build --release -p pmi-desk-e2e --bin startup-bench
PMI_DESK_APP="$root/target/release/pmi-desk" xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- "$root/target/release/startup-bench" "${1:-5}"
