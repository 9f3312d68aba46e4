#!/usr/bin/env bash
# golden.sh [--update] - compare `smbcmp --text` of a handful of captures
# with tests/golden/*.txt. --update rewrites the golden files (review the
# diff before committing).
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-build/smbcmp}
export TZ=UTC
update=0; [ "${1:-}" = --update ] && update=1
fails=0
while read -r cap; do
	case "$cap" in ''|\#*) continue ;; esac
	name=$(basename "$cap"); name=${name%.*}
	out=tests/golden/$name.txt
	if [ $update -eq 1 ]; then
		"$S" --text "$cap" >"$out"
	elif ! "$S" --text "$cap" | diff -u "$out" - >/tmp/golden-$name.diff; then
		echo "golden mismatch: $name (diff in /tmp/golden-$name.diff)"; head -30 /tmp/golden-$name.diff
		fails=$((fails + 1))
	fi
done <tests/golden/LIST
exit $fails
