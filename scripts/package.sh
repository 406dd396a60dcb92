#!/usr/bin/env bash
# `make package`: the Linux packages (.deb and .rpm) with the Tauri bundler, in release. The
# bundler is tauri-cli from crates.io, pinned, installed into .tools/ by `scripts/setup.sh
# package`. AppImage is not built: its bundler downloads tools from outside the package
# registries, which this project's machines cannot reach.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"

(cd ui && npm run --silent build)
cargo tauri build --bundles deb,rpm
for f in target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm; do
  printf '%s\t%s bytes\n' "$f" "$(stat -c %s "$f")"
done
