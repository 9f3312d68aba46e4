#!/usr/bin/env bash
# run-all.sh SECONDS [BUILDDIR] - run every fuzz target for SECONDS each,
# one after the other; exits non-zero when any finds a crash.
set -uo pipefail
cd "$(dirname "$0")/.."
SECS=${1:?usage: fuzz/run-all.sh SECONDS [BUILDDIR]}
B=${2:-build-fuzz}
fail=0
for t in fuzz_frame fuzz_smb fuzz_pcap fuzz_gssapi fuzz_xca fuzz_filter fuzz_config fuzz_keys fuzz_smbkeys fuzz_pdml fuzz_pcapfile; do
	echo "== $t ($SECS s)"
	fuzz/run.sh "$t" "$SECS" "$B" || fail=1
done
exit $fail
