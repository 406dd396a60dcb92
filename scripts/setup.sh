#!/usr/bin/env bash
# Installs what PMI Desk needs that is missing, and nothing twice.
#   scripts/setup.sh run    build tools, Tauri's system libraries, Node, the UI's packages
#   scripts/setup.sh test   the same, plus Xvfb, a session D-Bus, WebKitWebDriver and tauri-driver
#   scripts/setup.sh package  the same as run, plus the Tauri bundler (tauri-cli, from crates.io)
# Uses sudo only when not root. On a system without apt it stops and lists what to install.
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
node_min_major=22
node_min_minor=12
tauri_driver_version=2.1.0
tauri_cli_version=2.11.5

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

run_packages=(build-essential pkg-config file curl libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev xdg-utils)
test_packages=(xvfb xauth webkit2gtk-driver dbus-x11 at-spi2-core dunst imagemagick gnome-keyring xdotool
  libglib2.0-bin)

packages=("${run_packages[@]}")
if [ "$mode" = test ]; then packages+=("${test_packages[@]}"); fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  missing=("${packages[@]}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<MSG
PMI Desk's setup installs packages with apt, which this system does not have.
Install these (or your distribution's equivalents), then run the command again:
  ${missing[*]}
Tauri's prerequisites for other systems: https://tauri.app/start/prerequisites/
MSG
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  say "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    cat >&2 <<'MSG'
Rust is not installed. Install it with rustup, then run the command again:
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh
  . "$HOME/.cargo/env"
MSG
    exit 1
  fi
fi

# The UI's tooling (Vite, Vitest) needs Node 22.12 or newer. Debian 12 ships 18 and Ubuntu 22.04
# ships 12, so an older system Node only bootstraps a Node 22 from the npm registry into .tools/.
node_ok() {
  local v
  v="$("$1" --version 2>/dev/null | sed 's/^v//')" || return 1
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  [ "$major" -gt "$node_min_major" ] || { [ "$major" -eq "$node_min_major" ] && [ "$minor" -ge "$node_min_minor" ]; }
}
local_node="$tools/node/node_modules/.bin"
if [ -x "$local_node/node" ] && node_ok "$local_node/node"; then
  :
elif command -v node >/dev/null 2>&1 && node_ok node; then
  :
else
  if ! command -v npm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
      sudo=""
      if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
      say "Installing the system's Node and npm to fetch Node $node_min_major"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
    else
      echo "Node $node_min_major.$node_min_minor+ and npm are needed; install them and run the command again." >&2
      exit 1
    fi
  fi
  say "Installing Node $node_min_major into .tools/node"
  mkdir -p "$tools/node"
  npm install --prefix "$tools/node" --no-audit --no-fund --loglevel=error "node@$node_min_major"
fi

if [ -d "$root/ui" ]; then
  export PATH="$local_node:$PATH"
  stamp="$root/ui/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$root/ui/package-lock.json" -nt "$stamp" ]; then
    say "Installing the UI's packages"
    (cd "$root/ui" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

if [ "$mode" = test ]; then
  if ! [ -x "$tools/bin/tauri-driver" ] || ! "$tools/bin/tauri-driver" --help >/dev/null 2>&1; then
    say "Installing tauri-driver $tauri_driver_version into .tools/bin"
    cargo install tauri-driver --locked --version "$tauri_driver_version" --root "$tools" --quiet
  fi
fi

if [ "$mode" = package ]; then
  if ! "$tools/bin/cargo-tauri" --version 2>/dev/null | grep -q "$tauri_cli_version"; then
    say "Installing tauri-cli $tauri_cli_version into .tools/bin (a few minutes: it compiles)"
    cargo install tauri-cli --locked --version "$tauri_cli_version" --root "$tools" --quiet
  fi
fi
