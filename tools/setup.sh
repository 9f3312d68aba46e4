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
      valgrind
      # tests/cli_html.sh: the --html report in a headless browser, driven
      # by playwright-core (npm, tests/html/package-lock.json; no browser
      # download: it runs /usr/bin/chromium)
      chromium nodejs)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
# npm: Debian's package, unless the nodejs installed brings its own.
command -v npm >/dev/null 2>&1 || missing+=(npm)

# tests/html/node_modules from the committed lock file, once.
npm_deps() {
	[ -d tests/html/node_modules/playwright-core ] && return 0
	echo "setup: installing tests/html/node_modules (npm ci)" >&2
	(cd tests/html && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
		--loglevel=error >/dev/null)
}
cd "$(dirname "$0")/.."
if [ ${#missing[@]} -eq 0 ]; then
	npm_deps
	exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no, quietly.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_deps
