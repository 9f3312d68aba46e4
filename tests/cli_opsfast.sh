#!/usr/bin/env bash
# cli_opsfast.sh - the operation lists read plain SMB2 frames at header
# level (dissect/smb2_facts.c, src/ops/opsfast.c) instead of dissecting
# them: with SMBCMP_OPS_VERIFY=1 every frame so read is dissected too and
# the two readings compared, the run aborting on a difference. Every
# capture, alone (--stats) and against itself (--json, so the auto engine's
# grafts are in place), with both engines; then a deliberate difference
# must be caught.
set -u
cd "$(dirname "$0")/.."
S=${SMBCMP:-$PWD/build/smbcmp}
export TZ=UTC XDG_CONFIG_HOME=/nonexistent XDG_CACHE_HOME=$(mktemp -d)
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
fail=0 n=0
for f in captures/*.pcap* ../shared/captures/public/*.pcap* ../shared/captures/public/*/*.pcap*; do
	[ -f "$f" ] || continue
	case $f in *.txt) continue ;; esac
	for eng in native auto; do
		for mode in "--stats $f" "--json $f $f"; do
			SMBCMP_OPS_VERIFY=1 "$S" --engine=$eng $mode >/dev/null 2>"$XDG_CACHE_HOME/err"
			rc=$?
			n=$((n + 1))
			if [ $rc -gt 2 ] || grep -q SMBCMP_OPS_VERIFY "$XDG_CACHE_HOME/err"; then
				echo "FAIL: --engine=$eng $mode (exit $rc):"
				head -3 "$XDG_CACHE_HOME/err"
				fail=1
			fi
		done
	done
done
[ $n -gt 40 ] || { echo "FAIL: only $n runs"; fail=1; }
# The operation lists' dissection takes from a cached graft only the nodes
# ops_build reads (ops_graft_reads, src/tshark/graftcache.c read_facts):
# the same outputs as from whole trees (SMBCMP_GRAFT_FACTS=0), on the
# captures with DCE/RPC over SMB2 and SMB1 pipes (the cache is warm: the
# loop above ran the auto engine on each).
P=../shared/captures/public
for f in captures/smb311_ops.pcap $P/suricata-smb2-06_20171220_smb_net_user.pcap \
	$P/suricata-smb2-named-pipe-unicode.pcap $P/zeek-smb_smb1_transaction_request.pcap \
	$P/zeek-smb_smb1_transaction_response.pcap $P/zeek-dce-rpc_dce_rpc_ntlm.pcapng \
	$P/suricata-smb-eicar-andx_smbandx.pcap $P/zeek-smb_smb2.pcap; do
	[ -f "$f" ] || continue
	for mode in "--stats $f" "--json $f $f" "--text --by actions $f $f"; do
		"$S" --engine=auto $mode >"$XDG_CACHE_HOME/part" 2>&1
		echo "exit $?" >>"$XDG_CACHE_HOME/part"
		SMBCMP_GRAFT_FACTS=0 "$S" --engine=auto $mode >"$XDG_CACHE_HOME/whole" 2>&1
		echo "exit $?" >>"$XDG_CACHE_HOME/whole"
		cmp -s "$XDG_CACHE_HOME/part" "$XDG_CACHE_HOME/whole" || {
			echo "FAIL: $mode: grafts read in part differ from whole trees:"
			diff "$XDG_CACHE_HOME/whole" "$XDG_CACHE_HOME/part" | head -4 | cut -c1-160
			fail=1
		}
	done
done
# The check itself: SMBCMP_OPS_VERIFY=selftest misreads the CreditCharge
# of every QUERY_DIRECTORY on purpose, which must be caught.
out=$(SMBCMP_OPS_VERIFY=selftest "$S" --stats captures/smb311_ops.pcap 2>&1 >/dev/null)
echo "$out" | grep -q 'SMBCMP_OPS_VERIFY: .* differs from the dissection in charge' ||
	{ echo "FAIL: a misread field was not caught: $out"; fail=1; }
[ $fail = 0 ] && echo "cli_opsfast: ok ($n runs)"
exit $fail
