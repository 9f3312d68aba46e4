#!/usr/bin/env bash
# setup.sh - install what smbcmp needs from Debian, only what is missing.
# Non-interactive and idempotent; silent when everything is present.
set -euo pipefail

PKGS=(gcc meson ninja-build pkg-config libpcap-dev libncurses-dev nettle-dev
      libxml2-dev libinih-dev tshark python3 tmux
      # packaging and install checks (tests/cli_package.sh): dpkg-buildpackage,
      # dh, bash-completion's completionsdir, man
      dpkg-dev debhelper bash-completion man-db
      clang libclang-rt-dev time
      # tests/ui_valgrind.sh
      valgrind)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
