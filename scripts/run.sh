#!/usr/bin/env bash
# Builds the UI and the app, then opens PMI Desk on the built-in local account.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
(cd ui && npm run --silent build)
cargo build -p pmi-desk
exec ./target/debug/pmi-desk
