#!/usr/bin/env bash
# Every check and test: formatting, lints, the UI's type check and unit tests, the Rust tests
# (unit, property, IPC, integration against the local service), a check that the generated
# TypeScript types are current, then the end-to-end tests on the real window.
# It runs inside its own Xvfb display and session D-Bus (clipboard, WebKit, notifications), so it
# works the same on a desktop, over SSH and in CI; PMI_DESK_TEST_DISPLAY=1 uses the current one.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"

if [ -z "${PMI_DESK_UNDER_XVFB:-}" ] && [ -z "${PMI_DESK_TEST_DISPLAY:-}" ]; then
  export PMI_DESK_UNDER_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
fi

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
started=$SECONDS

# In our own session bus, a throwaway keyring: gnome-keyring's Secret Service, unlocked with a
# password (an empty one creates no keyring; a locked one would wait on a prompt), in a
# temporary folder. The Zoom sign-in tests keep refresh tokens there, as on a desktop.
if [ -n "${PMI_DESK_UNDER_XVFB:-}" ]; then
  keyrings="$(mktemp -d)"
  trap 'rm -rf "$keyrings"' EXIT
  printf '%s' "pmi-desk-test-$$" |
    XDG_DATA_HOME="$keyrings" gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  for _ in $(seq 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true; then
      break
    fi
    sleep 0.1
  done
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "UI: type check, unit tests, build"
(cd ui && npm run --silent typecheck && npm run --silent test && npm run --silent build)

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "Rust tests"
cargo test --workspace --exclude pmi-desk-e2e

step "Generated TypeScript types are current"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  stale="$(git status --porcelain -- ui/src/bindings)"
  if [ -n "$stale" ]; then
    echo "ui/src/bindings is out of date with the Rust types; commit what \`cargo test\` wrote:" >&2
    echo "$stale" >&2
    exit 1
  fi
fi

step "End-to-end tests on the real window (WebDriver)"
cargo build -p pmi-desk
cargo test -p pmi-desk-e2e -- --test-threads=1

step "All tests passed in $((SECONDS - started)) s"
