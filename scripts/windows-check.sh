#!/usr/bin/env bash
# `make windows-check`: PMI Desk built for Windows on this Linux machine, linted, and its Rust
# tests run under Wine: the domain, the Zoom client, the local service against Zoom's specs, and
# the app's IPC tests (keychain: Wine's Credential Manager; clipboard: Wine's, on Xvfb). The
# target is x86_64-pc-windows-gnu (MinGW), not the MSVC build the CI workflow makes on Windows,
# and no WebView2 runs under Wine: the WebDriver tests and the installers are the workflow's.
# Not part of `make test`: it builds everything a second time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

target=x86_64-pc-windows-gnu
# wine64 is the loader; wine holds the wine, wineboot and wineserver commands.
packages=(gcc-mingw-w64-x86-64 wine64 wine xvfb xauth)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  say "Installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! rustup target list --installed | grep -qx "$target"; then
  say "Adding Rust's $target target"
  rustup target add "$target"
fi
if [ ! -f ui/dist/index.html ]; then
  say "Building the UI (the app embeds it)"
  (cd ui && npm run --silent build)
fi

say "Lints on every crate, test and tool, built for Windows"
cargo clippy --target "$target" --workspace --all-targets -- -D warnings

say "Building the tests for Windows"
cargo test --target "$target" --workspace --exclude pmi-desk-e2e --no-run

# A Wine prefix of its own, with what a Windows machine has and Wine 8 lacks: ProcessPrng, and
# the WebView2 loader the app links to (the webview itself is never started by these tests).
export WINEPREFIX="$root/target/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
system32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -d "$system32" ]; then
  say "Making a Wine prefix in $WINEPREFIX"
  xvfb-run -a wineboot --init
  wineserver -w
fi
x86_64-w64-mingw32-gcc -shared -O2 -o "$system32/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32
cp "target/$target/debug/WebView2Loader.dll" "$system32/"

say "Running the tests under Wine"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
# The TypeScript types the tests export go aside (as a Windows path: Wine's drive Z: is /);
# checking them against the UI's is `make test`'s job.
export TS_RS_EXPORT_DIR="Z:$root/target/wine-bindings"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --target "$target" --workspace --exclude pmi-desk-e2e
wineserver -k 2>/dev/null || true
say "Windows build: lints clean, tests passed under Wine"
