#!/usr/bin/env bash
# record.sh - record smbcmp's real SMB test captures from scratch.
#
# Usage:   sudo bash captures/record.sh [OUTDIR]      (default: the captures/ dir)
#          ONLY='nt1 lanman1' sudo bash captures/record.sh   records a subset
#
# Runs a throw-away Samba 4.17 server (smbd) on 127.0.0.1:445, with all of its
# state in a temp dir, and records client sessions on the loopback interface
# with tcpdump.  Needs root.  Nothing else may listen on port 445.
# Installs samba, smbclient, tcpdump, python3-impacket, golang-go +
# golang-github-hirochachacha-go-smb2-dev, nodejs + npm, libjcifs-java +
# default-jdk-headless, nmap (and openssl, iproute2) with apt-get if missing; the
# npm drivers are installed with "npm ci" into the temp dir (needs the npm
# registry); tshark is optional (extra checks if present).  Cleans up on exit, also on failure: stops only its own smbd and
# tcpdump (by PID), removes the temp dir and the Unix user it created.
#
# Credentials: user "smbuser", password "smbpass123", share "share"
# (server 127.0.0.1, workgroup WORKGROUP).  Wrong password used in
# change_badpass.pcap: "wrongpass".
#
# File contents are fixed: snapshot.jpg is 4096 bytes of AES-128-CTR keystream
# (key 00..00, iv 00..00); the other files are fixed-size slices of the same
# stream, so every recording carries the same bytes.  Server settings
# "aio read size = 0" / "aio write size = 0" avoid random STATUS_PENDING
# interim responses.  What still varies between runs: timestamps, GUIDs,
# challenges, session ids, signatures, ports.
#
# "The job" below = smbclient -c 'ls; put snapshot.jpg; allinfo snapshot.jpg;
#                   get snapshot.jpg snapshot.out; rm snapshot.jpg'
# "The simple job" (old dialects) = 'ls; put; get; rm' (no allinfo).
#
# Captures made:
#   reference.pcap       smbclient -m SMB3_11, no encryption, default signing:
#                        the job.
#   camera.pcap          the old-IP-camera case: smbclient limited to NT1
#                        (-m NT1, client min protocol = NT1) tries the job
#                        against a server with "server min protocol = SMB2_02"
#                        and fails at NEGOTIATE (no compatible protocol).
#   smb2_02.pcap         the job with -m SMB2_02.
#   smb3_11.pcap         the job with -m SMB3_11 (pair with smb2_02.pcap).
#   same_1.pcap          the job, SMB3_11 ...
#   same_2.pcap          ... and exactly the same thing recorded again.
#   change_name.pcap     as same_1 but the file is called holiday.jpg.
#   change_extra.pcap    as same_1 with one extra "allinfo snapshot.jpg"
#                        right after the put.
#   change_badpass.pcap  first smbclient with the wrong password (fails with
#                        LOGON_FAILURE), then the same job as same_1 with the
#                        right password: two TCP connections.
#   smb311_ops.pcap      SMB3_11 doing more: ls, ls of photos/ (5 files),
#                        mkdir, put, rename, allinfo, ls work/*, mkdir+rmdir,
#                        deltree, ls; then a second connection: smbcacls
#                        querying the security descriptor of photos/img1.jpg
#                        (QUERY_INFO SECURITY, plus LSARPC lookups over IPC$);
#                        then a third connection running "notify photos"
#                        (CHANGE_NOTIFY, STATUS_PENDING) while a fourth puts
#                        photos/new.jpg, so the notify completes; the notify
#                        client is then stopped with SIGTERM (its TCP
#                        connection closes without LOGOFF).
#                        No compounds: smbclient 4.17 never sends any.
#   compound.pcap        python3-impacket, SMB 3.0, unsigned, unencrypted:
#                        two hand-built related compounds, CREATE+QUERY_INFO
#                        (FileAllInformation)+CLOSE on readme.txt and
#                        CREATE+QUERY_DIRECTORY+CLOSE on photos.
#   lanman1.pcap         -m LANMAN1 (client lanman auth = yes, ntlmv2 auth =
#                        no; needed for LANMAN dialects): negotiates
#                        LANMAN1.0, LM response, CORE SEARCH; the simple job.
#   lanman2.pcap         -m LANMAN2, same auth options: negotiates LANMAN2.1,
#                        LM response, TRANS2 FIND_FIRST2, NT Create AndX.
#   nt1.pcap             -m NT1: NT LM 0.12, extended security (SPNEGO +
#                        NTLMSSP with NTLMv2); the simple job.
#   nt1_ntlmv1.pcap      -m NT1 with client ntlmv2 auth = no (NTLMv1 in NTLMSSP).
#   nt1_lmauth.pcap      -m NT1 with client lanman auth = yes, ntlmv2 auth =
#                        no, use spnego = no: no extended security, 24-byte
#                        LM and NTLM responses in SESSION_SETUP_ANDX.
#   nt1_ops.pcap         -m NT1 doing more: ls, mkdir, rename, allinfo,
#                        showacls, volume, du, reget, rmdir, deltree.
#   nt1_notify.pcap      -m NT1: NT_TRANSACT NOTIFY on photos/ completed by a
#                        second client's put; the first is then killed.
#   nt1_posix.pcap       -m NT1 with CIFS UNIX extensions (smbclient "posix"):
#                        UNIX info levels (chmod, chown, symlink, readlink,
#                        hardlink, stat), setmode, utimes, POSIX
#                        open/mkdir/rmdir/unlink, getfacl.
#   nt1_signed.pcap      -m NT1 --client-protection=sign: SMB1 MD5 signing
#                        (MS-SMB 3.1.4.1) after an NTLMSSP/NTLMv2 logon.
#   lanman2_lmauth.pcap  -m LANMAN2 with client lanman auth = yes, ntlmv2
#                        auth = no, use spnego = no.  Same kind of traffic as
#                        lanman2.pcap (smbclient needs those options anyway
#                        for LANMAN dialects).
#   lanman2_plaintext.pcap  NOT MADE: see the comment at the skipped step.
#   impacket.pcap        python3-impacket SMBConnection: SMB1 multi-protocol
#                        NEGOTIATE answered with SMB2 (wildcard 0x02ff), then
#                        SMB2 NEGOTIATE (SMB 3.0), login, listPath, putFile,
#                        getFile, deleteFile, logoff.  impacket would encrypt
#                        on its own as soon as the server offers SMB3
#                        encryption; here that is switched off on the client
#                        side so the traffic is readable.
#   impacket_encrypted.pcap  the same with impacket's default: encrypted
#                        (SMB 3.0, AES-128-CCM); keys in keys.txt, taken from
#                        impacket's session state.
#   gosmb2.pcap          go-smb2 (captures/gosmb2/main.go, Go; Debian
#                        golang-github-hirochachacha-go-smb2-dev), SMB 3.1.1:
#                        NetShareEnumAll over IPC$\srvsvc, the job, then mkdir,
#                        server-side copy (resume key + COPYCHUNK), SET_INFO
#                        end of file / basic information / attributes, a
#                        file-system QUERY_INFO, rename, symlink (Samba
#                        refuses it), recursive delete, logoff.
#   gosmb2_202_signed.pcap  the same with dialect 2.0.2 and signing required.
#   gosmb2_encrypted.pcap   the same, SMB 3.1.1, against a server with "server
#                        smb encrypt = required": AES-128-GCM; tshark decrypts
#                        it with the password (ntlmssp.nt_password).
#   chunked_gosmb2.pcap  go-smb2 (captures/gosmb2_chunked/main.go), SMB 3.1.1,
#                        signed: big.jpg (65536 bytes, the same keystream)
#                        written in 64 WRITEs of 1024 bytes, then stat, read
#                        back, delete, logoff.
#   whole_gosmb2.pcap    the same client writing big.jpg in one 65536-byte
#                        WRITE (the reference-size counterpart).
#   marsaud_smb2.pcap    @marsaud/smb2 0.18.0 (npm, pure JavaScript, dialects
#                        2.0.2/2.1 offered, 2.1 chosen, unsigned, NTLMv1;
#                        captures/marsaud_smb2/job.js): upload, stat,
#                        download, delete, disconnect.  Its delete fails:
#                        CREATE (Overwrite If, share access Delete only)
#                        answered STATUS_ACCESS_DENIED; it then closes the
#                        socket without TREE_DISCONNECT or LOGOFF.
#   awo_smb2.pcap        @awo00/smb2 1.1.1 (npm, TypeScript, 2.0.2/2.1, 2.1
#                        chosen, unsigned, NTLMv1; captures/awo_smb2/job.js):
#                        the same steps, all succeed, ends with
#                        TREE_DISCONNECT and LOGOFF.
#   jcifs.pcap           JCIFS 1.3.19 (Debian libjcifs-java, pure Java,
#                        SMB1 NT LM 0.12 only, NTLMv2 in NTLMSSP;
#                        captures/jcifs/Job.java): upload, stat, download,
#                        delete; no TREE_DISCONNECT or LOGOFF (JCIFS 1.3 has
#                        no call for them), the socket closes when the JVM
#                        exits.
#   nmap_smb.pcap        Nmap 7.93's SMB1 library (nselib/smb.lua) driven by
#                        captures/nmap_smb/smbcmp-job.nse: the -sT scan of
#                        port 445, then one TCP connection + session + tree
#                        per operation: upload (4 WRITEs of 1024 bytes),
#                        stat (FIND_FIRST2), download (1024-byte READs),
#                        delete.  Its NTLMSSP AUTHENTICATE gives the NT
#                        response length as 8 for a 24-byte response.
#   job_smb3_02.pcap     smbclient -m SMB3_02, default signing, no encryption:
#                        the job (pair with reference.pcap, SMB3_11).
#   job_smb2_10.pcap     smbclient -m SMB2_10: the job.
#   job_nt1.pcap         smbclient -m NT1: the job with allinfo (nt1.pcap is
#                        the simple job).
#   job_lanman2.pcap     smbclient -m LANMAN2 (lanman auth options as for
#                        lanman2.pcap): the job with allinfo.
#   signed_300.pcap      the job, --client-protection=sign, -m SMB3_00
#   signed_302.pcap      same with -m SMB3_02
#   signed_311.pcap      same with -m SMB3_11 (AES-128-GMAC signing)
#   encrypted_300.pcap   the job, --client-protection=encrypt, -m SMB3_00
#                        (AES-128-CCM)
#   encrypted_302.pcap   same with -m SMB3_02 (AES-128-CCM)
#   encrypted_311_aes128ccm.pcap, encrypted_311_aes128gcm.pcap,
#   encrypted_311_aes256ccm.pcap, encrypted_311_aes256gcm.pcap
#                        same with -m SMB3_11 and the client offering only
#                        that cipher ("client smb3 encryption algorithms").
#   keys.txt             one line per signed_*/encrypted_*/impacket_encrypted
#                        capture:  FILE SESSIONID SESSIONKEY [S2C C2S]
#                        all hex; SESSIONID = the 8 SessionId bytes in wire
#                        (little-endian) order, as tshark's smb2_seskey_list
#                        wants; S2C/C2S only for encrypted captures.  Taken
#                        from smbclient -d 10 --option='debug encryption =
#                        yes' ("ServerOut Key" = S2C, "ServerIn Key" = C2S).
#                        Decrypt with
#                          tshark -r F -o 'uat:smb2_seskey_list:SESSIONID,SESSIONKEY,S2C,C2S'
#   signkeys.txt         FILE SESSIONID SIGNINGKEY for the smbclient signed_*/
#                        encrypted_* captures (the SMB3 signing key).
#
# With tshark installed the script also checks that signed captures carry
# signed CREATEs and that tshark decrypts each encrypted capture with the
# extracted keys.
set -euo pipefail

USER_NAME=smbuser
USER_PASS=smbpass123
BAD_PASS=wrongpass
SHARE=share

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$(realpath -m "${1:-$HERE}")
ONLY=${ONLY:-}

die() { echo "record.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root"

# ---------------------------------------------------------------- packages
need_pkgs=()
command -v smbd >/dev/null || need_pkgs+=(samba)
command -v smbclient >/dev/null || need_pkgs+=(smbclient)
command -v smbcacls >/dev/null || need_pkgs+=(smbclient)
command -v tcpdump >/dev/null || need_pkgs+=(tcpdump)
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v ss >/dev/null || need_pkgs+=(iproute2)
/usr/bin/python3 -c 'import impacket' 2>/dev/null || need_pkgs+=(python3-impacket)
command -v go >/dev/null || need_pkgs+=(golang-go)
[ -d /usr/share/gocode/src/github.com/hirochachacha/go-smb2 ] ||
    need_pkgs+=(golang-github-hirochachacha-go-smb2-dev)
command -v node >/dev/null || need_pkgs+=(nodejs)
command -v nmap >/dev/null || need_pkgs+=(nmap)
[ -f /usr/share/java/jcifs.jar ] || need_pkgs+=(libjcifs-java)
command -v javac >/dev/null || need_pkgs+=(default-jdk-headless)
command -v npm >/dev/null || need_pkgs+=(npm)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    log "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need_pkgs[@]}"
fi

port_busy() { [ -n "$(ss -Hltn 'sport = :445')" ]; }
port_busy && die "something already listens on port 445"

mkdir -p "$OUT"

# ---------------------------------------------------------------- cleanup
TMP=$(mktemp -d /tmp/smbcmp-record.XXXXXX)
chmod 755 "$TMP"
SMBD_PID=
TCPDUMP_PID=
BG_PIDS=()
CREATED_USER=

cleanup() {
    local rc=$?
    set +e
    for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    if [ -n "$TCPDUMP_PID" ]; then kill "$TCPDUMP_PID" 2>/dev/null; wait "$TCPDUMP_PID" 2>/dev/null; fi
    if [ -n "$SMBD_PID" ]; then kill "$SMBD_PID" 2>/dev/null; wait "$SMBD_PID" 2>/dev/null; fi
    if [ -n "$CREATED_USER" ]; then userdel "$USER_NAME" 2>/dev/null; fi
    rm -rf "$TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "record.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

# ---------------------------------------------------------------- user
if ! id "$USER_NAME" >/dev/null 2>&1; then
    useradd -M -d /nonexistent -s /usr/sbin/nologin "$USER_NAME"
    CREATED_USER=1
fi

# ---------------------------------------------------------------- files
# fixed pseudo-random bytes: AES-128-CTR keystream, key and iv all zero
stream() { # stream OFFSET LEN  (openssl dies of SIGPIPE: no pipefail here)
    (
        set +o pipefail
        openssl enc -aes-128-ctr -K 00000000000000000000000000000000 \
            -iv 00000000000000000000000000000000 -nosalt </dev/zero 2>/dev/null |
            head -c $(($1 + $2)) | tail -c "$2"
    )
}
LOCAL=$TMP/local
mkdir -p "$LOCAL" "$TMP/share" "$TMP/state"
stream 0 4096 >"$LOCAL/snapshot.jpg"
cp "$LOCAL/snapshot.jpg" "$LOCAL/holiday.jpg"
stream 4096 1500 >"$LOCAL/new.jpg"
stream 0 65536 >"$LOCAL/big.jpg"
[ "$(stat -c %s "$LOCAL/snapshot.jpg")" = 4096 ] || die "openssl keystream failed"

reset_share() {
    rm -rf "$TMP/share"
    mkdir -p "$TMP/share/photos"
    local i
    for i in 1 2 3 4 5; do
        stream $((8192 + i * 1024)) $((i * 300)) >"$TMP/share/photos/img$i.jpg"
        touch -d "2024-01-0$i 12:00:00 UTC" "$TMP/share/photos/img$i.jpg"
    done
    stream 20000 100 >"$TMP/share/readme.txt"
    touch -d "2024-01-01 00:00:00 UTC" "$TMP/share/readme.txt" "$TMP/share/photos"
    chown -R "$USER_NAME" "$TMP/share"
    rm -f "$LOCAL"/*.out
}

# ---------------------------------------------------------------- server
write_conf() { # write_conf EXTRA-LINES...
    {
        cat <<EOF
[global]
    workgroup = WORKGROUP
    netbios name = SMBCMPSRV
    server role = standalone server
    interfaces = 127.0.0.1
    bind interfaces only = yes
    smb ports = 445
    disable netbios = yes
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    private dir = $TMP/state/private
    lock directory = $TMP/state/lock
    state directory = $TMP/state/state
    cache directory = $TMP/state/cache
    pid directory = $TMP/state/pid
    ncalrpc dir = $TMP/state/ncalrpc
    binddns dir = $TMP/state/bind-dns
    log file = $TMP/state/log.%m
    max log size = 0
    log level = 1
    passdb backend = tdbsam:$TMP/state/private/passdb.tdb
    map to guest = never
    aio read size = 0
    aio write size = 0
    server min protocol = LANMAN1
    lanman auth = yes
    ntlm auth = yes
    server signing = auto
EOF
        local l
        for l in "$@"; do echo "    $l"; done
        cat <<EOF

[$SHARE]
    path = $TMP/share
    read only = no
    guest ok = no
    create mask = 0644
    directory mask = 0755
EOF
    } >"$TMP/smb.conf"
}

# client config: only the state paths, so smbclient leaves nothing behind
cat >"$TMP/client.conf" <<EOF
[global]
    workgroup = WORKGROUP
    private dir = $TMP/state/cprivate
    lock directory = $TMP/state/clock
    state directory = $TMP/state/cstate
    cache directory = $TMP/state/ccache
    ncalrpc dir = $TMP/state/ncalrpc
    log file = $TMP/state/client.log
EOF
mkdir -p "$TMP/state/private" "$TMP/state/lock" "$TMP/state/state" \
    "$TMP/state/cache" "$TMP/state/pid" "$TMP/state/ncalrpc" \
    "$TMP/state/cprivate" "$TMP/state/clock" "$TMP/state/cstate" "$TMP/state/ccache"

SMBD_CONF_KEY=
start_smbd() { # start_smbd EXTRA-LINES...  (restarts only if config changed)
    local key="$*"
    if [ -n "$SMBD_PID" ] && [ "$key" = "$SMBD_CONF_KEY" ]; then return; fi
    stop_smbd
    write_conf "$@"
    set -m  # own process group: smbd signals its whole group on shutdown
    smbd --foreground --no-process-group -s "$TMP/smb.conf" \
        </dev/null >>"$TMP/state/smbd.out" 2>&1 &
    SMBD_PID=$!
    set +m
    SMBD_CONF_KEY=$key
    local i
    for i in $(seq 100); do
        port_busy && break
        kill -0 "$SMBD_PID" 2>/dev/null || die "smbd died: $(tail -5 "$TMP/state/smbd.out")"
        sleep 0.1
    done
    port_busy || die "smbd does not listen on 445"
    # the Samba password (passdb lives in the temp dir)
    printf '%s\n%s\n' "$USER_PASS" "$USER_PASS" |
        smbpasswd -c "$TMP/smb.conf" -a -s "$USER_NAME" >/dev/null
}
stop_smbd() {
    [ -n "$SMBD_PID" ] || return 0
    kill "$SMBD_PID" 2>/dev/null || true
    wait "$SMBD_PID" 2>/dev/null || true
    SMBD_PID=
    local i
    for i in $(seq 100); do port_busy || return 0; sleep 0.1; done
    die "port 445 still busy after stopping smbd"
}

# ---------------------------------------------------------------- capture
CUR=
start_cap() { # start_cap NAME
    CUR=$1
    reset_share
    rm -f "$TMP/cap.pcap" "$TMP/tcpdump.err"
    set -m
    tcpdump -i lo -s 0 -B 65536 -U --immediate-mode -n -w "$TMP/cap.pcap" 'tcp port 445' \
        </dev/null 2>"$TMP/tcpdump.err" &
    TCPDUMP_PID=$!
    set +m
    local i
    for i in $(seq 100); do
        grep -q 'listening on' "$TMP/tcpdump.err" 2>/dev/null && break
        sleep 0.1
    done
    grep -q 'listening on' "$TMP/tcpdump.err" || die "tcpdump did not start"
    sleep 0.2
}
stop_cap() {
    sleep 1  # let the last packets reach the file
    kill "$TCPDUMP_PID" 2>/dev/null || true
    wait "$TCPDUMP_PID" 2>/dev/null || true
    TCPDUMP_PID=
    if grep -qE '^[1-9][0-9]* packets? dropped by kernel' "$TMP/tcpdump.err"; then
        die "$CUR: tcpdump lost packets ($(grep 'dropped by kernel' "$TMP/tcpdump.err")); record it again"
    fi
    if command -v tshark >/dev/null &&
        [ -n "$(tshark -r "$TMP/cap.pcap" -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' 2>/dev/null)" ]; then
        die "$CUR: the capture misses TCP segments; record it again"
    fi
    mv "$TMP/cap.pcap" "$OUT/$CUR.pcap"
    chown 0:0 "$OUT/$CUR.pcap"; chmod 644 "$OUT/$CUR.pcap"
    log "$CUR.pcap: $(stat -c %s "$OUT/$CUR.pcap") bytes"
}

want() { # want NAME: honour $ONLY
    [ -z "$ONLY" ] && return 0
    case " $ONLY " in *" $1 "*) return 0 ;; esac
    return 1
}

# smbclient wrapper: runs in $LOCAL, stdout to $TMP/client.out, stderr
# (debug output) to $TMP/client.err
smbc() { # smbc ARGS...
    (cd "$LOCAL" && exec smbclient -s "$TMP/client.conf" "//127.0.0.1/$SHARE" "$@") \
        >>"$TMP/client.out" 2>>"$TMP/client.err"
}

JOB='ls; put snapshot.jpg; allinfo snapshot.jpg; get snapshot.jpg snapshot.out; rm snapshot.jpg'
SIMPLE='ls; put snapshot.jpg; get snapshot.jpg snapshot.out; rm snapshot.jpg'
check_get() { # the downloaded copy must equal the original
    cmp -s "$LOCAL/${2:-snapshot.out}" "$LOCAL/${1:-snapshot.jpg}" ||
        die "$CUR: downloaded file differs (see smbclient output: $(tail -5 "$TMP/client.out"))"
}

# run_job OK|FAIL ARGS...: smbclient must succeed (no NT_STATUS error) or fail
run_job() {
    local expect=$1; shift
    : >"$TMP/client.out"
    : >"$TMP/client.err"
    local rc=0
    smbc "$@" || rc=$?
    if [ "$expect" = OK ]; then
        if [ $rc -ne 0 ] || grep -q 'NT_STATUS_' "$TMP/client.out"; then
            die "$CUR: smbclient failed (rc=$rc): $(tail -3 "$TMP/client.out"; grep -v deprecated "$TMP/client.err" | tail -3)"
        fi
    else
        [ $rc -ne 0 ] || die "$CUR: smbclient was expected to fail"
    fi
}

# impacket client (python3-impacket), used for impacket*.pcap and the
# hand-made compounds in compound.pcap
cat >"$TMP/imp.py" <<'PYEOF'
# impacket client for record.sh.  usage: imp.py MODE USER PASS SHARE
#   plain:     SMB1 multi-protocol negotiate, SMB2/3 session with encryption
#              turned off on the client side; listPath, putFile, getFile,
#              deleteFile, logoff
#   encrypted: the same, impacket's default (it encrypts whenever the server
#              offers SMB3 encryption); prints the session keys
#   compound:  SMB 3.0 only, unsigned, no encryption: two related compound
#              requests (impacket 0.10 signs SMB 3.1.1 TREE_CONNECT wrongly, and
#              an unsigned 3.1.1 TREE_CONNECT is refused with ACCESS_DENIED),
#              CREATE+QUERY_INFO(FileAllInformation)+CLOSE on readme.txt and
#              CREATE+QUERY_DIRECTORY+CLOSE on photos
import io, struct, sys
from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s3

mode, user, password, share = sys.argv[1:5]

def hexs(b):
    return b.hex() if isinstance(b, bytes) else b.encode('latin-1').hex()

if mode == 'compound':
    conn = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=445,
                         preferredDialect=s3.SMB2_DIALECT_30)
else:
    conn = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=445)
smb = conn.getSMBServer()
if mode in ('plain', 'compound'):
    smb._Connection['SupportsEncryption'] = False
conn.login(user, password, 'WORKGROUP')

def compound(tid, reqs):
    """reqs: list of (command, data structure); 2nd.. are related to the 1st"""
    out = b''
    for i, (cmd, data) in enumerate(reqs):
        p = smb.SMB_PACKET()
        p['Command'] = cmd
        p['TreeID'] = tid
        p['SessionID'] = smb._Session['SessionID']
        p['MessageID'] = smb._Connection['SequenceWindow']
        smb._Connection['SequenceWindow'] += 1
        p['CreditCharge'] = 1
        p['CreditRequestResponse'] = 127
        p['Flags'] = s3.SMB2_FLAGS_RELATED_OPERATIONS if i > 0 else 0
        p['Data'] = data
        pad = b''
        if i < len(reqs) - 1:
            pad = b'\0' * ((8 - len(p.getData()) % 8) % 8)
            p['NextCommand'] = len(p.getData()) + len(pad)
        out += p.getData() + pad
    smb._NetBIOSSession.send_packet(out)
    resp = smb._NetBIOSSession.recv_packet(10).get_trailer()
    statuses, off = [], 0
    while True:
        r = s3.SMB2Packet(resp[off:])
        statuses.append((r['Command'], r['Status']))
        if r['NextCommand'] == 0:
            break
        off += r['NextCommand']
    return statuses

def create_req(name, access, options):
    c = s3.SMB2Create()
    c['SecurityFlags'] = 0
    c['RequestedOplockLevel'] = s3.SMB2_OPLOCK_LEVEL_NONE
    c['ImpersonationLevel'] = s3.SMB2_IL_IMPERSONATION
    c['DesiredAccess'] = access
    c['FileAttributes'] = 0
    c['ShareAccess'] = s3.FILE_SHARE_READ | s3.FILE_SHARE_WRITE | s3.FILE_SHARE_DELETE
    c['CreateDisposition'] = s3.FILE_OPEN
    c['CreateOptions'] = options
    c['NameLength'] = len(name) * 2
    c['Buffer'] = name.encode('utf-16le')
    c['CreateContextsOffset'] = 0
    c['CreateContextsLength'] = 0
    return c

RELATED_FID = b'\xff' * 16

if mode == 'compound':
    tid = conn.connectTree(share)
    qi = s3.SMB2QueryInfo()
    qi['FileID'] = RELATED_FID
    qi['InfoType'] = s3.SMB2_0_INFO_FILE
    qi['FileInfoClass'] = s3.SMB2_FILE_ALL_INFO
    qi['OutputBufferLength'] = 4096
    qi['InputBufferOffset'] = 0
    qi['Buffer'] = b'\x00'
    cl = s3.SMB2Close()
    cl['Flags'] = 0
    cl['FileID'] = RELATED_FID
    st1 = compound(tid, [(s3.SMB2_CREATE, create_req('readme.txt', s3.FILE_READ_ATTRIBUTES | s3.FILE_READ_DATA | s3.READ_CONTROL, s3.FILE_NON_DIRECTORY_FILE)),
                         (s3.SMB2_QUERY_INFO, qi), (s3.SMB2_CLOSE, cl)])
    qd = s3.SMB2QueryDirectory()
    qd['FileInformationClass'] = s3.FILEID_BOTH_DIRECTORY_INFORMATION
    qd['Flags'] = 0
    qd['FileIndex'] = 0
    qd['FileID'] = RELATED_FID
    qd['FileNameLength'] = 2
    qd['Buffer'] = '*'.encode('utf-16le')
    qd['OutputBufferLength'] = 65535
    cl2 = s3.SMB2Close()
    cl2['Flags'] = 0
    cl2['FileID'] = RELATED_FID
    st2 = compound(tid, [(s3.SMB2_CREATE, create_req('photos', s3.FILE_READ_ATTRIBUTES | s3.FILE_LIST_DIRECTORY | s3.SYNCHRONIZE, s3.FILE_DIRECTORY_FILE)),
                         (s3.SMB2_QUERY_DIRECTORY, qd), (s3.SMB2_CLOSE, cl2)])
    conn.disconnectTree(tid)
    conn.close()  # LOGOFF + TCP close
    for st in (st1, st2):
        if [x[1] for x in st] != [0, 0, 0]:
            sys.exit('compound failed: %r' % st)
    print('dialect 0x%x compounds ok %r %r' % (conn.getDialect(), st1, st2))
    sys.exit(0)

names = [f.get_longname() for f in conn.listPath(share, '*')]
with open('snapshot.jpg', 'rb') as f:
    conn.putFile(share, 'snapshot.jpg', f.read)
buf = io.BytesIO()
conn.getFile(share, 'snapshot.jpg', buf.write)
with open('snapshot.out', 'wb') as f:
    f.write(buf.getvalue())
conn.deleteFile(share, 'snapshot.jpg')
if mode == 'encrypted':
    sess = smb._Session
    print('KEYS %s %s %s %s' % (struct.pack('<Q', sess['SessionID']).hex(),
          hexs(sess['SessionKey']), hexs(sess['DecryptionKey']), hexs(sess['EncryptionKey'])))
conn.close()  # LOGOFF + TCP close
print('dialect 0x%x, listed %s' % (conn.getDialect(), ' '.join(sorted(names))))
PYEOF
imp() { # imp MODE: run the impacket client in $LOCAL, output in $TMP/client.out
    (cd "$LOCAL" && /usr/bin/python3 "$TMP/imp.py" "$1" "$USER_NAME" "$USER_PASS" "$SHARE") \
        >"$TMP/client.out" 2>&1 || die "$CUR: impacket failed: $(tail -5 "$TMP/client.out")"
}

AUTH=(-U "$USER_NAME%$USER_PASS")
OLDAUTH=(--option='client lanman auth=yes' --option='client ntlmv2 auth=no')

# ================================================================ SMB2/3 basics
start_smbd

if want reference; then
    start_cap reference
    run_job OK "${AUTH[@]}" -m SMB3_11 -c "$JOB"; check_get
    stop_cap
fi

for d in smb2_02:SMB2_02 smb3_11:SMB3_11 job_smb3_02:SMB3_02 job_smb2_10:SMB2_10; do
    if want "${d%%:*}"; then
        start_cap "${d%%:*}"
        run_job OK "${AUTH[@]}" -m "${d#*:}" -c "$JOB"; check_get
        stop_cap
    fi
done

for n in same_1 same_2; do
    if want $n; then
        start_cap $n
        run_job OK "${AUTH[@]}" -m SMB3_11 -c "$JOB"; check_get
        stop_cap
    fi
done

if want change_name; then
    start_cap change_name
    run_job OK "${AUTH[@]}" -m SMB3_11 -c "${JOB//snapshot/holiday}"
    check_get holiday.jpg holiday.out
    stop_cap
fi

if want change_extra; then
    start_cap change_extra
    run_job OK "${AUTH[@]}" -m SMB3_11 -c 'ls; put snapshot.jpg; allinfo snapshot.jpg; allinfo snapshot.jpg; get snapshot.jpg snapshot.out; rm snapshot.jpg'
    check_get
    stop_cap
fi

if want change_badpass; then
    start_cap change_badpass
    run_job FAIL -U "$USER_NAME%$BAD_PASS" -m SMB3_11 -c "$JOB"
    cat "$TMP/client.out" "$TMP/client.err" | grep -q NT_STATUS_LOGON_FAILURE || die "$CUR: expected LOGON_FAILURE"
    run_job OK "${AUTH[@]}" -m SMB3_11 -c "$JOB"; check_get
    stop_cap
fi

if want smb311_ops; then
    start_cap smb311_ops
    run_job OK "${AUTH[@]}" -m SMB3_11 -c 'ls; cd photos; ls; cd /; mkdir work; put snapshot.jpg work/snapshot.jpg; rename work/snapshot.jpg work/renamed.jpg; allinfo work/renamed.jpg; ls work/*; mkdir empty; rmdir empty; deltree work; ls'
    # security descriptor query (SMB2 QUERY_INFO, info type SECURITY)
    : >"$TMP/client.out"
    smbcacls -s "$TMP/client.conf" -m SMB3_11 "${AUTH[@]}" "//127.0.0.1/$SHARE" photos/img1.jpg \
        >>"$TMP/client.out" 2>&1 || die "$CUR: smbcacls failed: $(cat "$TMP/client.out")"
    grep -q '^ACL:' "$TMP/client.out" || die "$CUR: smbcacls printed no ACL"
    # CHANGE_NOTIFY on photos/, completed by a second client's put
    : >"$TMP/notify.out"
    (cd "$LOCAL" && exec stdbuf -oL smbclient -s "$TMP/client.conf" "//127.0.0.1/$SHARE" \
        "${AUTH[@]}" -m SMB3_11 -c 'notify photos') >"$TMP/notify.out" 2>&1 &
    NPID=$!; BG_PIDS+=("$NPID")
    sleep 2
    run_job OK "${AUTH[@]}" -m SMB3_11 -c 'put new.jpg photos/new.jpg'
    for i in $(seq 50); do grep -q 'new.jpg' "$TMP/notify.out" && break; sleep 0.1; done
    sleep 0.5
    kill "$NPID" 2>/dev/null || true
    wait "$NPID" 2>/dev/null || true
    BG_PIDS=()
    grep -q 'new.jpg' "$TMP/notify.out" || die "$CUR: notify saw nothing: $(cat "$TMP/notify.out")"
    stop_cap
fi

# ================================================================ SMB1 dialects
if want lanman1; then
    start_cap lanman1
    run_job OK "${AUTH[@]}" -m LANMAN1 --option='client min protocol=LANMAN1' "${OLDAUTH[@]}" -c "$SIMPLE"
    check_get
    stop_cap
fi

if want lanman2; then
    start_cap lanman2
    run_job OK "${AUTH[@]}" -m LANMAN2 --option='client min protocol=LANMAN1' "${OLDAUTH[@]}" -c "$SIMPLE"
    check_get
    stop_cap
fi

# the full job (with allinfo) at SMB1 dialects, to pair with reference.pcap
if want job_lanman2; then
    start_cap job_lanman2
    run_job OK "${AUTH[@]}" -m LANMAN2 --option='client min protocol=LANMAN1' "${OLDAUTH[@]}" -c "$JOB"
    check_get
    stop_cap
fi
if want job_nt1; then
    start_cap job_nt1
    run_job OK "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' -c "$JOB"
    check_get
    stop_cap
fi

if want nt1; then
    start_cap nt1
    run_job OK "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' -c "$SIMPLE"
    check_get
    stop_cap
fi

if want nt1_ntlmv1; then
    start_cap nt1_ntlmv1
    run_job OK "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' \
        --option='client ntlmv2 auth=no' -c "$SIMPLE"
    check_get
    stop_cap
fi

# LANMAN dialects have no extended security, and smbclient only logs on there
# with the LM response: lanman2.pcap already needs "client lanman auth = yes,
# client ntlmv2 auth = no".  lanman2_lmauth.pcap spells the same options out
# (plus "client use spnego = no"), so it carries the same kind of traffic.
if want lanman2_lmauth; then
    start_cap lanman2_lmauth
    run_job OK "${AUTH[@]}" -m LANMAN2 --option='client min protocol=LANMAN1' "${OLDAUTH[@]}" \
        --option='client use spnego=no' -c "$SIMPLE"
    check_get
    stop_cap
fi

# NT1 without extended security: LM + NTLM (v1) responses straight in
# SESSION_SETUP_ANDX (no NTLMSSP, no SPNEGO).
if want nt1_lmauth; then
    start_cap nt1_lmauth
    run_job OK "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' "${OLDAUTH[@]}" \
        --option='client use spnego=no' -c "$SIMPLE"
    check_get
    stop_cap
fi

# SMB1 doing more (the counterpart of smb311_ops): directory listings, mkdir,
# rename, allinfo (every QUERY_PATH_INFO level smbclient asks), volume and
# disk usage (QUERY_FS_INFO), security descriptors (NT_TRANSACT
# QUERY_SECURITY_DESC), reget (READ at an offset), deltree.
if want nt1_ops; then
    start_cap nt1_ops
    run_job OK "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' \
        -c 'ls; cd photos; ls; cd /; mkdir work; put snapshot.jpg work/snapshot.jpg; rename work/snapshot.jpg work/renamed.jpg; allinfo work/renamed.jpg; showacls; ls work/*; volume; du; reget work/renamed.jpg snapshot.out; mkdir empty; rmdir empty; deltree work; ls'
    stop_cap
fi

# SMB1 change notification: NT_TRANSACT NOTIFY on photos/, completed by a
# second client's put (the SMB1 counterpart of smb311_ops' notify).
if want nt1_notify; then
    start_cap nt1_notify
    : >"$TMP/notify.out"
    (cd "$LOCAL" && exec stdbuf -oL smbclient -s "$TMP/client.conf" "//127.0.0.1/$SHARE" \
        "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' -c 'notify photos') \
        >"$TMP/notify.out" 2>&1 &
    NPID=$!; BG_PIDS+=("$NPID")
    sleep 2
    run_job OK "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' -c 'put new.jpg photos/new.jpg'
    for i in $(seq 50); do grep -q 'new.jpg' "$TMP/notify.out" && break; sleep 0.1; done
    sleep 0.5
    kill "$NPID" 2>/dev/null || true
    wait "$NPID" 2>/dev/null || true
    BG_PIDS=()
    grep -q 'new.jpg' "$TMP/notify.out" || die "$CUR: notify saw nothing: $(cat "$TMP/notify.out")"
    stop_cap
fi

# CIFS UNIX extensions (what Linux cifs.ko and many NAS clients speak over
# SMB1): smbclient's "posix" command (TRANS2 QUERY_FS_INFO 0x200, SET_FS_INFO
# 0x200), then POSIX open/mkdir/unlink and UNIX info levels.
if want nt1_posix; then
    start_cap nt1_posix
    run_job OK "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' \
        -c 'posix; ls; put snapshot.jpg; chmod 0600 snapshot.jpg; chown 1001 1001 snapshot.jpg; symlink snapshot.jpg link.jpg; readlink link.jpg; hardlink snapshot.jpg hard.jpg; setmode snapshot.jpg +r; setmode snapshot.jpg -r; utimes snapshot.jpg 24:01:02-03:04:05 -1 24:01:02-03:04:05 -1; rm link.jpg; rm hard.jpg; posix_mkdir work 0755; posix_open snapshot.jpg 0; getfacl snapshot.jpg; stat snapshot.jpg; get snapshot.jpg snapshot.out; posix_rmdir work; posix_unlink snapshot.jpg'
    check_get
    stop_cap
fi

# SMB1 signing (password smbpass123 only: no key dump is needed).
if want nt1_signed; then
    start_cap nt1_signed
    run_job OK "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' \
        --client-protection=sign -c "$SIMPLE"
    check_get
    stop_cap
fi
# nt1_lmauth_signed.pcap: SKIPPED.  The nt1_lmauth logon (no extended
# security, NTLMv1) with --client-protection=sign fails inside smbclient
# 4.17 itself ("smb1_signing_good: BAD SIG: seq 1", then ACCESS_DENIED).

# lanman2_plaintext.pcap: SKIPPED.  Samba 4.17 still offers plaintext
# ("encrypt passwords = no": NEGOTIATE response without the challenge bit),
# and smbclient with "client plaintext auth = yes" sends the password in
# clear, but smbd then checks it with the "unix" auth method (PAM), which
# rejects it on this Debian 12 setup (ERRDOS:ERRnoaccess, nothing logged by
# PAM), so no working plaintext session could be recorded.

# camera: an NT1-only client against a server that wants SMB2_02 or newer
if want camera; then
    start_smbd 'server min protocol = SMB2_02'
    start_cap camera
    run_job FAIL "${AUTH[@]}" -m NT1 --option='client min protocol=NT1' -c "$JOB"
    cat "$TMP/client.out" "$TMP/client.err" |
        grep -q -E 'NT_STATUS_(INVALID_NETWORK_RESPONSE|NOT_SUPPORTED)|No compatible protocol|protocol negotiation failed' ||
        die "$CUR: unexpected failure: $(cat "$TMP/client.out" "$TMP/client.err")"
    stop_cap
fi
start_smbd

# ================================================================ impacket

if want impacket; then
    start_cap impacket
    imp plain
    check_get
    stop_cap
fi

# smbclient 4.17 sends no compound requests at all (each CREATE, QUERY_INFO,
# CLOSE goes alone), so impacket builds two related compounds by hand.
if want compound; then
    start_cap compound
    imp compound
    stop_cap
fi

# ================================================================ go-smb2
# A fourth, independent SMB2/3 client (Go): the job plus share enumeration
# over srvsvc, SET_INFO (end of file, basic information, attributes),
# server-side copy, a file-system QUERY_INFO, rename, symlink, rmdir.
gosmb2() { # gosmb2 NAME [FLAGS...]: build once, run in $LOCAL, check the download
    local name=$1; shift
    if [ ! -x "$TMP/gosmb2" ]; then
        GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$TMP/gocache" GOFLAGS= \
            go build -o "$TMP/gosmb2" "$HERE/gosmb2/main.go" || die "$name: go build failed"
    fi
    start_cap "$name"
    (cd "$LOCAL" && "$TMP/gosmb2" "$@" 127.0.0.1 "$USER_NAME" "$USER_PASS" "$SHARE") \
        >"$TMP/client.out" 2>&1 || die "$name: go-smb2 failed: $(tail -5 "$TMP/client.out")"
    log "$name: $(cat "$TMP/client.out")"
    check_get
    stop_cap
}
want gosmb2 && gosmb2 gosmb2
want gosmb2_202_signed && gosmb2 gosmb2_202_signed -dialect 0x0202 -sign
if want gosmb2_encrypted; then # the server insists: go-smb2 encrypts (AES-128-GCM)
    start_smbd 'server smb encrypt = required'
    gosmb2 gosmb2_encrypted
    if command -v tshark >/dev/null; then
        tshark -r "$OUT/gosmb2_encrypted.pcap" -Y 'smb2.cmd == 5' 2>/dev/null | grep -q 'Create Request' &&
            die "gosmb2_encrypted: Create Request visible without keys (not encrypted?)"
        tshark -r "$OUT/gosmb2_encrypted.pcap" -o "ntlmssp.nt_password:$USER_PASS" -Y 'smb2.cmd == 5' 2>/dev/null |
            grep -q 'Create Request' || die "gosmb2_encrypted: tshark cannot decrypt it with the password"
    fi
    start_smbd
fi

# go-smb2 writing a 65536-byte file (big.jpg) in 64 WRITEs of 1024 bytes,
# and the same client writing it in one 65536-byte WRITE
gochunk() { # gochunk NAME CHUNK
    if [ ! -x "$TMP/gosmb2_chunked" ]; then
        GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$TMP/gocache" GOFLAGS= \
            go build -o "$TMP/gosmb2_chunked" "$HERE/gosmb2_chunked/main.go" || die "$1: go build failed"
    fi
    start_cap "$1"
    (cd "$LOCAL" && "$TMP/gosmb2_chunked" -chunk "$2" 127.0.0.1 "$USER_NAME" "$USER_PASS" "$SHARE") \
        >"$TMP/client.out" 2>&1 || die "$1: gosmb2_chunked failed: $(tail -5 "$TMP/client.out")"
    log "$1: $(cat "$TMP/client.out")"
    check_get big.jpg big.out
    stop_cap
}
want chunked_gosmb2 && gochunk chunked_gosmb2 1024
want whole_gosmb2 && gochunk whole_gosmb2 0

# ================================================================ npm clients
# Two more independent SMB2 clients, both pure JavaScript from npm: the
# @marsaud/smb2 family (bchelli's node-smb2 and its forks) and the
# @awo00/smb2 family (ardean's TypeScript smb2 / node-smb2).  Each driver
# (captures/<dir>/job.js, pinned by package-lock.json) is installed with
# "npm ci" into the temp dir and does the job (upload, stat, download,
# delete, disconnect); a failing step is printed and recorded as it
# happens, only a wrong download is fatal.
npmjob() { # npmjob NAME DIR
    local name=$1 dir=$2
    if [ ! -d "$TMP/npm/$dir/node_modules" ]; then
        mkdir -p "$TMP/npm/$dir"
        cp "$HERE/$dir/package.json" "$HERE/$dir/package-lock.json" "$HERE/$dir/job.js" "$TMP/npm/$dir/"
        (cd "$TMP/npm/$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$TMP/npm.log" 2>&1 ||
            die "$name: npm ci failed: $(tail -5 "$TMP/npm.log")"
    fi
    start_cap "$name"
    # --openssl-legacy-provider: @marsaud/smb2's "ntlm" module hashes with MD4,
    # which Node >= 17 (OpenSSL 3) only offers through the legacy provider
    (cd "$LOCAL" && timeout 60 node --openssl-legacy-provider "$TMP/npm/$dir/job.js" 127.0.0.1 "$USER_NAME" "$USER_PASS" "$SHARE") \
        >"$TMP/client.out" 2>&1 || die "$name: $dir/job.js failed: $(tail -5 "$TMP/client.out")"
    log "$name: $(tr '\n' ';' <"$TMP/client.out")"
    grep -q '^download: ok' "$TMP/client.out" || die "$name: download failed: $(cat "$TMP/client.out")"
    check_get
    stop_cap
}
want marsaud_smb2 && npmjob marsaud_smb2 marsaud_smb2
want awo_smb2 && npmjob awo_smb2 awo_smb2

# ================================================================ JCIFS
# A pure Java SMB1 client (JCIFS 1.3.19, Debian libjcifs-java): NT LM 0.12,
# its own NTLMSSP, the job via SmbFile streams (captures/jcifs/Job.java).
# JCIFS 1.3 has no logoff/disconnect call: the TCP connection ends when the
# JVM exits.  A failing step is printed and recorded as it happens.
if want jcifs; then
    if [ ! -f "$TMP/jcifs/Job.class" ]; then
        mkdir -p "$TMP/jcifs"
        javac --release 17 -cp /usr/share/java/jcifs.jar -d "$TMP/jcifs" "$HERE/jcifs/Job.java" ||
            die "jcifs: javac failed"
    fi
    start_cap jcifs
    (cd "$LOCAL" && timeout 60 java -cp "/usr/share/java/jcifs.jar:$TMP/jcifs" Job \
        127.0.0.1 "$USER_NAME" "$USER_PASS" "$SHARE") >"$TMP/client.out" 2>&1 ||
        die "jcifs: Job failed: $(tail -5 "$TMP/client.out")"
    log "jcifs: $(tr '\n' ';' <"$TMP/client.out")"
    grep -q '^download: ok' "$TMP/client.out" || die "jcifs: download failed: $(cat "$TMP/client.out")"
    check_get
    stop_cap
fi

# ================================================================ Nmap
# Nmap's own SMB1 client (nselib/smb.lua) driven by an NSE script
# (captures/nmap_smb/smbcmp-job.nse): every library call (upload, the
# find_files stat, download, delete) opens its own TCP connection and
# session; upload and download go in 1024-byte WRITEs and READs.  The
# capture also holds Nmap's connect scan of port 445 (-sT), which the
# library needs to know the port is open.
if want nmap_smb; then
    start_cap nmap_smb
    (cd "$LOCAL" && timeout 120 nmap -n -Pn -sT -p445 --script "$HERE/nmap_smb/smbcmp-job.nse" \
        --script-args "smbusername=$USER_NAME,smbpassword=$USER_PASS,smbdomain=WORKGROUP,smbcmpshare=$SHARE" \
        127.0.0.1) >"$TMP/client.out" 2>&1 || die "nmap_smb: nmap failed: $(tail -5 "$TMP/client.out")"
    log "nmap_smb: $(grep -E '^\|' "$TMP/client.out" | tr '\n' ';')"
    grep -q 'download: ok' "$TMP/client.out" || die "nmap_smb: download failed: $(cat "$TMP/client.out")"
    check_get
    stop_cap
fi

# ================================================================ signing / encryption
# keys.txt   : FILE SESSIONID SESSIONKEY [S2C C2S]   (S2C/C2S only if encrypted)
# signkeys.txt: FILE SESSIONID SIGNINGKEY
# all from smbclient's "debug encryption = yes" dump:
#   Session Id / Session Key / Signing Key / ServerOut Key (S2C) / ServerIn Key (C2S)
KEYS_NEW=$TMP/keys.new
SIGN_NEW=$TMP/signkeys.new
: >"$KEYS_NEW"
: >"$SIGN_NEW"

extract_keys() { # extract_keys DEBUGLOG -> "SID SESSKEY SIGNKEY S2C C2S"
    awk '
    function hexof(line,   h) {
        h = substr(line, index(line, "]") + 1, 50)   # hex columns only, not the ASCII
        gsub(/[^0-9A-Fa-f]/, "", h)
        return tolower(h)
    }
    /debug encryption: dumping generated session keys/ { n++; cur = ""; next }
    n == 1 && /^(Session Id|Session Key|Signing Key|App Key|ServerIn Key|ServerOut Key) *\[0000\]/ {
        cur = $0; sub(/ *\[0000\].*/, "", cur); k[cur] = hexof($0); next
    }
    n == 1 && /^\[00[1-9]0\]/ && cur != "" { k[cur] = k[cur] hexof($0); next }
    n == 1 { cur = "" }
    END {
        if (n < 1) exit 1
        print k["Session Id"], k["Session Key"], k["Signing Key"], k["ServerOut Key"], k["ServerIn Key"]
    }' "$1"
}

# record_protected NAME sign|encrypt DIALECT [EXTRA-OPTIONS...]
record_protected() {
    local name=$1 prot=$2 dialect=$3; shift 3
    want "$name" || return 0
    start_cap "$name"
    run_job OK "${AUTH[@]}" -m "$dialect" --client-protection="$prot" \
        -d 10 --option='debug encryption = yes' "$@" -c "$JOB"
    check_get
    stop_cap
    local sid sk sg s2c c2s
    read -r sid sk sg s2c c2s < <(extract_keys "$TMP/client.err") ||
        die "$name: no keys in smbclient debug output"
    [ ${#sid} = 16 ] && [ ${#sk} -ge 32 ] && [ ${#sg} = 32 ] &&
        [ ${#s2c} -ge 32 ] && [ ${#c2s} -ge 32 ] || die "$name: bad keys: $sid $sk $sg $s2c $c2s"
    if [ "$prot" = encrypt ]; then
        echo "$name.pcap $sid $sk $s2c $c2s" >>"$KEYS_NEW"
    else
        echo "$name.pcap $sid $sk" >>"$KEYS_NEW"
    fi
    echo "$name.pcap $sid $sg" >>"$SIGN_NEW"
    # sanity checks with tshark, if it is installed
    if command -v tshark >/dev/null; then
        local pc="$OUT/$name.pcap"
        if [ "$prot" = encrypt ]; then
            tshark -r "$pc" -Y 'smb2.cmd == 5' 2>/dev/null | grep -q 'Create Request' &&
                die "$name: Create Request visible without keys (not encrypted?)"
            tshark -r "$pc" -o "uat:smb2_seskey_list:$sid,$sk,$s2c,$c2s" -Y 'smb2.cmd == 5' 2>/dev/null |
                grep -q 'Create Request' || die "$name: tshark cannot decrypt with the extracted keys"
        else
            [ "$(tshark -r "$pc" -Y 'smb2.flags.signature == 1 && smb2.cmd == 5' 2>/dev/null | wc -l)" -gt 0 ] ||
                die "$name: no signed CREATE"
        fi
    fi
}

record_protected signed_300 sign SMB3_00
record_protected signed_302 sign SMB3_02
record_protected signed_311 sign SMB3_11
record_protected encrypted_300 encrypt SMB3_00
record_protected encrypted_302 encrypt SMB3_02
record_protected encrypted_311_aes128ccm encrypt SMB3_11 --option='client smb3 encryption algorithms = AES-128-CCM'
record_protected encrypted_311_aes128gcm encrypt SMB3_11 --option='client smb3 encryption algorithms = AES-128-GCM'
record_protected encrypted_311_aes256ccm encrypt SMB3_11 --option='client smb3 encryption algorithms = AES-256-CCM'
record_protected encrypted_311_aes256gcm encrypt SMB3_11 --option='client smb3 encryption algorithms = AES-256-GCM'

# impacket encrypts on its own whenever the server offers SMB3 encryption
# (SMB 3.0.2 here, AES-128-CCM); the keys come from impacket's session state.
if want impacket_encrypted; then
    start_cap impacket_encrypted
    imp encrypted
    check_get
    stop_cap
    read -r _ sid sk s2c c2s < <(grep '^KEYS ' "$TMP/client.out") || die "$CUR: no keys from impacket"
    echo "impacket_encrypted.pcap $sid $sk $s2c $c2s" >>"$KEYS_NEW"
    if command -v tshark >/dev/null; then
        tshark -r "$OUT/impacket_encrypted.pcap" -o "uat:smb2_seskey_list:$sid,$sk,$s2c,$c2s" -Y 'smb2.cmd == 5' 2>/dev/null |
            grep -q 'Create Request' || die "$CUR: tshark cannot decrypt with impacket's keys"
    fi
fi

# merge into keys.txt / signkeys.txt: keep lines of captures not recorded now
merge_keys() { # merge_keys NEWFILE OUTFILE HEADER
    local new=$1 out=$2 header=$3
    [ -s "$new" ] || return 0
    {
        printf '%s\n' "$header"
        {
            if [ -f "$out" ]; then
                grep -v '^#' "$out" | grep -v -F -f <(awk '{print $1 " "}' "$new") || true
            fi
            cat "$new"
        } | sort
    } >"$out.tmp"
    mv "$out.tmp" "$out"
    chmod 644 "$out"
}
merge_keys "$KEYS_NEW" "$OUT/keys.txt" \
"# FILE SESSIONID SESSIONKEY [S2C C2S]   (hex; written by record.sh from smbclient -d 10 --option='debug encryption = yes')
# SESSIONID: the 8 bytes of the SMB2 header SessionId in wire (little-endian) order.
# S2C/C2S (encrypted captures only): server-to-client and client-to-server encryption keys.
# tshark -r FILE -o 'uat:smb2_seskey_list:SESSIONID,SESSIONKEY,S2C,C2S' -Y smb2"
merge_keys "$SIGN_NEW" "$OUT/signkeys.txt" \
"# FILE SESSIONID SIGNINGKEY   (hex; SMB3 signing key derived for the session, from smbclient's debug output)"

stop_smbd
log "done: $OUT"
