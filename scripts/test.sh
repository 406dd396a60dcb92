#!/usr/bin/env bash
# Every check and test: formatting, lints, the UI's type check and unit tests, the Rust tests
# (unit, property, integration against the sandbox), then the end-to-end tests on the real window
# under Xvfb with a session D-Bus.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
started=$SECONDS

step "cargo fmt --check"
cargo fmt --all -- --check

step "UI: type check, unit tests, build"
(cd ui && npm run --silent typecheck && npm run --silent test && npm run --silent build)

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "Rust tests"
cargo test --workspace --exclude pmi-desk-e2e

step "End-to-end tests on the real window (Xvfb, WebDriver)"
cargo build -p pmi-desk
cargo test -p pmi-desk-e2e --no-run
e2e=(cargo test -p pmi-desk-e2e -- --test-threads=1)
if [ -n "${PMI_DESK_E2E_DISPLAY:-}" ]; then
  "${e2e[@]}"
else
  # Each run gets its own X server and session bus (notifications, clipboard, at-spi).
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "${e2e[@]}"
fi

step "All tests passed in $((SECONDS - started)) s"
