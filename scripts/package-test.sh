#!/usr/bin/env bash
# Installs the .deb that `make package` built with this machine's package manager, starts the
# installed app under Xvfb and sees its personal room through WebDriver, then removes the
# package and checks that nothing it installed is left. Needs root or sudo (it installs a
# package system-wide): CI runs it; on a desktop, run it in a throwaway machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"

if [ -z "${PMI_DESK_UNDER_XVFB:-}" ]; then
  export PMI_DESK_UNDER_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
deb="$(ls -t target/release/bundle/deb/*.deb | head -n 1)"
package="$(dpkg-deb -f "$deb" Package)"
# The webview and the roots an HTTPS client to Zoom verifies against (rustls reads the system's).
for dep in libwebkit2gtk-4.1-0 ca-certificates; do
  dpkg-deb -f "$deb" Depends | grep -q "$dep" || { echo "the package does not depend on $dep" >&2; exit 1; }
done
echo "==> Installing $deb ($package)"
# Through `env`: sudo would drop the variable.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb"
trap '$sudo env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$package" >/dev/null 2>&1 || true' EXIT
installed="$(dpkg -L "$package")"
for want in /usr/bin/pmi-desk /usr/share/applications/ /usr/share/icons/hicolor/128x128/apps/; do
  grep -q "^$want" <<<"$installed" || { echo "the package has no $want" >&2; exit 1; }
done
desktop="$(grep '\.desktop$' <<<"$installed" | head -n 1)"
grep -q '^Exec=pmi-desk' "$desktop" || { echo "$desktop does not start pmi-desk" >&2; exit 1; }

echo "==> The installed app shows the personal room"
PMI_DESK_APP=/usr/bin/pmi-desk cargo test -p pmi-desk-e2e --test window -- --test-threads=1 \
  the_window_opens_on_the_built_in_account_and_shows_the_pmi

echo "==> Removing $package"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$package"
trap - EXIT
left=()
while IFS= read -r path; do
  if [ -f "$path" ]; then left+=("$path"); fi
done <<<"$installed"
if [ ${#left[@]} -gt 0 ]; then
  echo "left after removal: ${left[*]}" >&2
  exit 1
fi
echo "==> Installed, started, showed the PMI, removed cleanly"
