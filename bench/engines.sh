#!/usr/bin/env bash
# engines.sh [SMBCMP] CAPTURE... - time to the first frame and to the full
# --json with each engine (native, tshark, auto without and with its graft
# cache), plus tshark's own -T pdml / -T json / -V times for reference.
# Best of $RUNS (default 2) runs each; wall-clock seconds and peak RSS of smbcmp.
set -u
S=${SMBCMP:-build/smbcmp}
export TZ=UTC XDG_CACHE_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
best() { # best CMD... -> "seconds rss_kb" (best wall of $RUNS, default 2)
	local b="" r="" tf; tf=$(mktemp)
	for _ in $(seq "${RUNS:-2}"); do
		/usr/bin/time -o "$tf" -f '%e %M' "$@" >/dev/null 2>/dev/null
		local out; out=$(tail -1 "$tf")
		local t=${out% *}
		if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; r=${out#* }; fi
		[ -n "${NOCACHE:-}" ] && rm -rf "$XDG_CACHE_HOME"/smbcmp
	done
	rm -f "$tf"
	echo "$b ${r}"
}
first() { # seconds until the first output line
	python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.time()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdout.readline()
print("%.2f" % (time.time() - t))
p.kill(); p.wait()
PY
}
for cap in "$@"; do
	echo "== $cap ($(du -h "$cap" | cut -f1), $($S --engine=native --list "$cap" | wc -l) SMB frames)"
	printf '%-28s %8s %8s %9s\n' run first_s full_s rss_MB
	for e in native tshark; do
		read -r t m < <(best "$S" --engine=$e --json "$cap")
		printf '%-28s %8s %8s %9d\n' "--engine=$e --json" "$(first "$S" --engine=$e --json "$cap")" "$t" $((m / 1024))
	done
	rm -rf "$XDG_CACHE_HOME"/smbcmp
	read -r t m < <(NOCACHE=1 best "$S" --engine=auto --json "$cap")
	printf '%-28s %8s %8s %9d\n' "--engine=auto (no cache)" "-" "$t" $((m / 1024))
	"$S" --json "$cap" >/dev/null 2>&1   # fill the cache
	read -r t m < <(best "$S" --engine=auto --json "$cap")
	printf '%-28s %8s %8s %9d\n' "--engine=auto (cached)" "$(first "$S" --json "$cap")" "$t" $((m / 1024))
	for mode in "-T pdml" "-T json" "-P -V"; do
		read -r t m < <(best tshark -n -r "$cap" -Y "nbss || smb || smb2" $mode)
		printf '%-28s %8s %8s %9d\n' "tshark $mode" "-" "$t" $((m / 1024))
	done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
