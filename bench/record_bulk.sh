#!/usr/bin/env bash
# record_bulk.sh OUTDIR [MB] - the data-heavy benchmark traces, recorded.
#
# Runs a throw-away smbd on 127.0.0.1:445 (all state in a temp dir, as
# captures/record.sh and /work/shared/RECORDING.md describe) and records
# two sessions of smbclient -m SMB3_11 copying an MB MiB file (default 512)
# to the server and back, then deleting it:
#   OUTDIR/bulk_a.pcap   put big.bin; get big.bin; rm big.bin
#   OUTDIR/bulk_b.pcap   the same job again (a second "client" for diffs)
# Each trace is about 2 x MB MiB (1.1 GB at the default). File contents are
# fixed (AES-128-CTR keystream, key and iv zero). Needs root; nothing else
# may listen on port 445. Stops only its own smbd/tcpdump (by PID), removes
# its temp dir and the Unix user it created. The traces are not committed.
set -euo pipefail
OUT=${1:?usage: record_bulk.sh OUTDIR [MB]}
MB=${2:-512}
USER_NAME=smbbench
USER_PASS=benchpass123
SHARE=share

die() { echo "record_bulk.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
for c in smbd smbclient tcpdump openssl; do
	command -v $c >/dev/null || die "$c missing (apt-get install samba smbclient tcpdump openssl)"
done
port_busy() { [ -n "$(ss -Hltn 'sport = :445')" ]; }
for i in $(seq 60); do port_busy || break; sleep 5; done
port_busy && die "something else listens on port 445"
mkdir -p "$OUT"

TMP=$(mktemp -d /tmp/smbcmp-bulk.XXXXXX)
chmod 755 "$TMP"
SMBD_PID= TCPDUMP_PID= CREATED_USER=
cleanup() {
	local rc=$?
	set +e
	if [ -n "$TCPDUMP_PID" ]; then kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID"; fi
	if [ -n "$SMBD_PID" ]; then kill "$SMBD_PID"; wait "$SMBD_PID"; fi
	[ -n "$CREATED_USER" ] && userdel "$USER_NAME"
	rm -rf "$TMP"
	exit $rc
} 2>/dev/null
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! id "$USER_NAME" >/dev/null 2>&1; then
	useradd -M -d /nonexistent -s /usr/sbin/nologin "$USER_NAME"
	CREATED_USER=1
fi
mkdir -p "$TMP/local" "$TMP/share" "$TMP/state"/{private,lock,state,cache,pid,ncalrpc,cprivate,clock,cstate,ccache}
chown "$USER_NAME" "$TMP/share"
(
	set +o pipefail
	openssl enc -aes-128-ctr -K 00000000000000000000000000000000 \
		-iv 00000000000000000000000000000000 -nosalt </dev/zero 2>/dev/null |
		head -c $((MB * 1048576)) >"$TMP/local/big.bin"
)
[ "$(stat -c %s "$TMP/local/big.bin")" = $((MB * 1048576)) ] || die "keystream failed"

S=$TMP/state
cat >"$TMP/smb.conf" <<EOF
[global]
    workgroup = WORKGROUP
    server role = standalone server
    interfaces = 127.0.0.1
    bind interfaces only = yes
    smb ports = 445
    disable netbios = yes
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    private dir = $S/private
    lock directory = $S/lock
    state directory = $S/state
    cache directory = $S/cache
    pid directory = $S/pid
    ncalrpc dir = $S/ncalrpc
    binddns dir = $S/bind-dns
    log file = $S/log.%m
    log level = 1
    passdb backend = tdbsam:$S/private/passdb.tdb
    map to guest = never
    aio read size = 0
    aio write size = 0
[$SHARE]
    path = $TMP/share
    read only = no
EOF
cat >"$TMP/client.conf" <<EOF
[global]
    workgroup = WORKGROUP
    private dir = $S/cprivate
    lock directory = $S/clock
    state directory = $S/cstate
    cache directory = $S/ccache
    ncalrpc dir = $S/ncalrpc
    log file = $S/client.log
EOF

set -m # smbd signals its whole process group on shutdown: its own group
smbd --foreground --no-process-group -s "$TMP/smb.conf" </dev/null >"$S/smbd.out" 2>&1 &
SMBD_PID=$!
set +m
for i in $(seq 100); do port_busy && break; sleep 0.1; done
port_busy || die "smbd does not listen: $(tail -3 "$S/smbd.out")"
printf '%s\n%s\n' "$USER_PASS" "$USER_PASS" | smbpasswd -c "$TMP/smb.conf" -a -s "$USER_NAME" >/dev/null

record() { # record NAME
	rm -f "$TMP/share/big.bin" "$TMP/local/big.out"
	set -m
	tcpdump -i lo -s 0 -B 262144 -n -w "$TMP/cap.pcap" 'tcp port 445' </dev/null 2>"$TMP/tcpdump.err" &
	TCPDUMP_PID=$!
	set +m
	for i in $(seq 100); do grep -q 'listening on' "$TMP/tcpdump.err" && break; sleep 0.1; done
	sleep 0.3
	(cd "$TMP/local" && smbclient -s "$TMP/client.conf" "//127.0.0.1/$SHARE" -U "$USER_NAME%$USER_PASS" \
		-m SMB3_11 -c 'put big.bin; get big.bin big.out; rm big.bin') >"$TMP/client.out" 2>&1 ||
		die "smbclient failed: $(tail -3 "$TMP/client.out")"
	cmp -s "$TMP/local/big.bin" "$TMP/local/big.out" || die "downloaded copy differs"
	sleep 1
	kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
	TCPDUMP_PID=
	grep -q '^0 packets dropped by kernel' "$TMP/tcpdump.err" ||
		echo "record_bulk.sh: warning: $(grep dropped "$TMP/tcpdump.err")" >&2
	mv "$TMP/cap.pcap" "$OUT/$1.pcap"
	echo "$OUT/$1.pcap: $(stat -c %s "$OUT/$1.pcap") bytes"
}
record bulk_a
record bulk_b
