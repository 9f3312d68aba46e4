#!/usr/bin/env bash
# cli_package.sh - smbcmp installs like a Unix tool:
#  - `dpkg-buildpackage -us -uc -b` builds a .deb from a copy of the tree (in
#    a temp dir: nothing is written to the repository or next to it);
#  - the .deb unpacks into a temporary root (dpkg -x), where smbcmp --version
#    runs, `man` renders smbcmp(1) without warnings, the bash completion
#    loads (`bash -n`, `complete -p smbcmp`) and completes options, --engine
#    values and field names, and the zsh completion parses (`zsh -n`);
#  - lintian (when installed) reports no error;
#  - `meson install` honours --prefix;
#  - every option `smbcmp --help` prints is described in the man page
#    ($SMBCMP's help against doc/smbcmp.1, and the installed pair).
# Needs dpkg-dev, debhelper and the build dependencies (tools/setup.sh).
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-build/smbcmp}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Options a --help text lists: the -x/--xxx words before the description.
help_options() {
	sed -n 's/^ \{1,8\}\(-[^ ].*\)/\1/p' | sed 's/   *.*//' |
		grep -oE -- '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | tr -d ' ,' | sort -u
}
# Options a man page source describes (troff escapes removed).
man_options() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$1" |
		grep -oE -- '(^|[^-A-Za-z0-9])--?[A-Za-z][-A-Za-z0-9]*' |
		sed 's/^[^-]*//' | sort -u
}
# check_options HELP_TEXT_FILE MAN_SOURCE LABEL
check_options() {
	local missing
	missing=$(comm -23 <(help_options <"$1") <(man_options "$2"))
	[ "$(help_options <"$1" | wc -l)" -ge 10 ] || fail "$3: too few options parsed from --help"
	[ -z "$missing" ] || fail "$3: options in --help but not in the man page: $(echo $missing)"
}

before=
git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	before=$(git status --porcelain --ignored 2>/dev/null; ls .. 2>/dev/null | grep -E '^smbcmp[-_].*\.(deb|changes|buildinfo)$')

# 0. The build tree's help against the man page source (others' new options
# must be documented too).
"$S" --help >"$tmp/help.txt" || fail "$S --help"
check_options "$tmp/help.txt" doc/smbcmp.1 "doc/smbcmp.1"

for tool in dpkg-buildpackage dh dpkg-deb; do
	command -v $tool >/dev/null || { fail "$tool missing (run tools/setup.sh)"; exit $fails; }
done

# 1. Build the package from a copy of the tree.
mkdir -p "$tmp/pkg/src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		(while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
		xargs -0 cp --parents -t "$tmp/pkg/src"
else
	tar -c --exclude='./build*' --exclude=./.git . | tar -x -C "$tmp/pkg/src"
fi
# A quick build by default (-O0, no unit tests: tests/run.sh runs them, no
# debug symbols package); set DEB_BUILD_OPTIONS to build like a distribution.
(cd "$tmp/pkg/src" &&
	DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-"noopt nocheck noautodbgsym parallel=$(nproc)"} \
	dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1 ||
	{ tail -n 30 "$tmp/build.log"; fail "dpkg-buildpackage failed"; exit $fails; }
deb=$(ls "$tmp"/pkg/smbcmp_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { fail "no .deb built"; exit $fails; }
echo "built $(basename "$deb")"

# 2. Install into a temporary root.
root=$tmp/root
dpkg -x "$deb" "$root" || fail "dpkg -x"
bin=$root/usr/bin/smbcmp
"$bin" --version >"$tmp/version.txt" 2>&1 || fail "installed smbcmp --version failed"
head -1 "$tmp/version.txt" | grep -qE '^smbcmp [0-9]' || fail "--version: $(head -1 "$tmp/version.txt")"
grep -q '^libpcap' "$tmp/version.txt" || fail "--version lacks libpcap"
grep -q '^ncurses' "$tmp/version.txt" || fail "--version lacks ncurses"
grep -q '^nettle' "$tmp/version.txt" || fail "--version lacks nettle"
grep -q '^tshark: ' "$tmp/version.txt" || fail "--version lacks tshark"
"$bin" --json captures/same_1.pcap captures/same_2.pcap >/dev/null || fail "installed smbcmp compare"

# 3. The man page renders, without warnings, by path and by name.
page=$root/usr/share/man/man1/smbcmp.1.gz
[ -f "$page" ] || fail "no man page in the package"
MANWIDTH=80 man --warnings -l "$page" >"$tmp/man.txt" 2>"$tmp/man.err" || fail "man -l failed"
[ -s "$tmp/man.err" ] && fail "man warnings: $(head -3 "$tmp/man.err")"
for s in NAME SYNOPSIS OPTIONS "CONFIGURATION FILE" ENVIRONMENT "EXIT STATUS" EXAMPLES; do
	grep -q "^$s" "$tmp/man.txt" || fail "man page lacks section $s"
done
MANPATH=$root/usr/share/man MANWIDTH=80 man smbcmp 2>/dev/null | grep -q 'SMBCMP(1)' ||
	fail "man smbcmp (MANPATH=installed root) does not render"
zcat "$page" >"$tmp/smbcmp.1"
"$bin" --help >"$tmp/help-installed.txt"
check_options "$tmp/help-installed.txt" "$tmp/smbcmp.1" "installed man page"

# 4. Completions.
bc=$root/usr/share/bash-completion/completions/smbcmp
[ -f "$bc" ] || fail "no bash completion at /usr/share/bash-completion/completions/smbcmp"
bash -n "$bc" || fail "bash -n $bc"
PATH=$root/usr/bin:$PATH bash -c '
	source "$1" || exit 1
	complete -p smbcmp | grep -q _smbcmp || { echo "complete -p smbcmp: not registered"; exit 1; }
	t() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _smbcmp; printf "%s\n" "${COMPREPLY[@]}"; }
	rc=0
	t smbcmp --list- | grep -q "^--list-fields$"     || { echo "option completion (--list-fields)"; rc=1; }
	t smbcmp --junit | grep -q "^--junit$"           || { echo "option completion (--junit)"; rc=1; }
	[ "$(t smbcmp --engine "" | sort | tr "\n" " ")" = "auto native tshark " ] || { echo "--engine values"; rc=1; }
	t smbcmp --engine = t | grep -qx tshark          || { echo "--engine=t"; rc=1; }
	t smbcmp --mask smb2.create.disp | grep -qx smb2.create.disposition || { echo "--mask field names"; rc=1; }
	t smbcmp --filter "smb2.cmd == 5 && smb2.nt_st" | grep -qx "smb2.cmd == 5 && smb2.nt_status" ||
		{ echo "--filter field names"; rc=1; }
	exit $rc' _ "$bc" || fail "bash completion smoke test"
zc=$root/usr/share/zsh/vendor-completions/_smbcmp
[ -f "$zc" ] || fail "no zsh completion at /usr/share/zsh/vendor-completions/_smbcmp"
if command -v zsh >/dev/null; then
	zsh -n "$zc" || fail "zsh -n $zc"
fi
[ -f "$root/usr/share/doc/smbcmp/config.example" ] || fail "no config.example in the doc dir"
[ -x "$root/usr/share/doc/smbcmp/examples/smbcmp-ci.sh" ] || fail "no examples/smbcmp-ci.sh"

# 5. lintian, when available: no errors.
if command -v lintian >/dev/null; then
	lintian --suppress-tags bogus-mail-host,bogus-mail-host-in-debian-changelog \
		"$tmp"/pkg/smbcmp_*.changes >"$tmp/lintian.txt" 2>&1
	grep '^E:' "$tmp/lintian.txt" && fail "lintian errors"
	grep '^W:' "$tmp/lintian.txt"
fi

# 6. meson install honours --prefix (reusing the package's build directory).
obj=$(ls -d "$tmp"/pkg/src/obj-* 2>/dev/null | head -1)
if [ -n "$obj" ]; then
	{ meson configure "$obj" --prefix=/opt/smbcmp -Dzshcompletiondir= >/dev/null &&
		DESTDIR=$tmp/prefix meson install -C "$obj" --quiet >"$tmp/install.log" 2>&1; } ||
		fail "meson install --prefix=/opt/smbcmp: $(tail -n 3 "$tmp/install.log")"
	for f in bin/smbcmp share/man/man1/smbcmp.1 share/bash-completion/completions/smbcmp \
		 share/zsh/site-functions/_smbcmp share/doc/smbcmp/config.example; do
		[ -e "$tmp/prefix/opt/smbcmp/$f" ] || fail "--prefix: /opt/smbcmp/$f not installed"
	done
	stray=$(cd "$tmp/prefix" && find . -type f | grep -v '^\./opt/smbcmp/')
	[ -z "$stray" ] || fail "--prefix: files outside the prefix: $stray"
fi

# The repository is untouched.
if [ -n "$before" ]; then
	after=$(git status --porcelain --ignored 2>/dev/null; ls .. 2>/dev/null | grep -E '^smbcmp[-_].*\.(deb|changes|buildinfo)$')
	[ "$before" = "$after" ] || fail "the test changed the repository: $(diff <(echo "$before") <(echo "$after") | head -5)"
fi
exit $fails
