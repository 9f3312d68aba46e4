// gosmb2 - a fourth SMB client for captures/record.sh: go-smb2
// (github.com/hirochachacha/go-smb2, Debian golang-github-hirochachacha-go-smb2-dev),
// an independent SMB 2/3 implementation with its own negotiate contexts,
// credit handling, NTLMSSP and DCE/RPC code.
//
//	gosmb2 [-dialect 0x0311] [-sign] SERVER USER PASSWORD SHARE
//
// Run in a directory holding snapshot.jpg. Does "the job" (list the share,
// upload snapshot.jpg, stat it, download it to snapshot.out, delete it)
// and then what smbclient never sends: share enumeration over
// IPC$\srvsvc (NetShareEnumAll), SET_INFO for end of file, basic
// information and attributes, server-side copy (FSCTL_SRV_REQUEST_RESUME_KEY,
// FSCTL_SRV_COPYCHUNK), a file-system QUERY_INFO, rename and rmdir.
// Any failed step is fatal, except the ones a server may refuse by policy
// (they print "refused: ..." and the run goes on).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"time"

	smb2 "github.com/hirochachacha/go-smb2"
)

func die(step string, err error) {
	fmt.Fprintf(os.Stderr, "gosmb2: %s: %v\n", step, err)
	os.Exit(1)
}

func main() {
	dialect := flag.String("dialect", "0", "dialect to insist on (0x0202 ... 0x0311); 0 offers all")
	sign := flag.Bool("sign", false, "require message signing")
	flag.Parse()
	if flag.NArg() != 4 {
		fmt.Fprintln(os.Stderr, "usage: gosmb2 [-dialect 0x0311] [-sign] SERVER USER PASSWORD SHARE")
		os.Exit(2)
	}
	server, user, pass, share := flag.Arg(0), flag.Arg(1), flag.Arg(2), flag.Arg(3)
	d64, err := strconv.ParseUint(*dialect, 0, 16)
	if err != nil {
		die("-dialect", err)
	}

	conn, err := net.Dial("tcp", net.JoinHostPort(server, "445"))
	if err != nil {
		die("connect", err)
	}
	defer conn.Close()
	dialer := &smb2.Dialer{
		Negotiator: smb2.Negotiator{RequireMessageSigning: *sign, SpecifiedDialect: uint16(d64)},
		Initiator:  &smb2.NTLMInitiator{User: user, Password: pass, Domain: "WORKGROUP"},
	}
	s, err := dialer.Dial(conn)
	if err != nil {
		die("session setup", err)
	}

	names, err := s.ListSharenames()
	if err != nil {
		die("share enumeration", err)
	}
	sort.Strings(names)

	fs, err := s.Mount(`\\` + server + `\` + share)
	if err != nil {
		die("tree connect", err)
	}

	// The job.
	ents, err := fs.ReadDir("")
	if err != nil {
		die("ls", err)
	}
	data, err := os.ReadFile("snapshot.jpg")
	if err != nil {
		die("read snapshot.jpg", err)
	}
	if err = fs.WriteFile("snapshot.jpg", data, 0644); err != nil {
		die("put", err)
	}
	st, err := fs.Stat("snapshot.jpg")
	if err != nil {
		die("stat", err)
	}
	got, err := fs.ReadFile("snapshot.jpg")
	if err != nil {
		die("get", err)
	}
	if err = os.WriteFile("snapshot.out", got, 0644); err != nil {
		die("write snapshot.out", err)
	}

	// What smbclient does not send.
	if err = fs.Mkdir("work", 0755); err != nil {
		die("mkdir", err)
	}
	src, err := fs.Open("snapshot.jpg")
	if err != nil {
		die("open", err)
	}
	dst, err := fs.Create(`work\copy.jpg`)
	if err != nil {
		die("create", err)
	}
	n, err := io.Copy(dst, src) // server-side copy when the server allows it
	if err != nil {
		die("copy", err)
	}
	if err = dst.Truncate(1024); err != nil {
		die("truncate", err)
	}
	when := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err = fs.Chtimes(`work\copy.jpg`, when, when); err != nil {
		die("chtimes", err)
	}
	if err = fs.Chmod(`work\copy.jpg`, 0444); err != nil {
		die("chmod", err)
	}
	if err = fs.Chmod(`work\copy.jpg`, 0644); err != nil {
		die("chmod", err)
	}
	dst.Close()
	src.Close()
	fsi, err := fs.Statfs("")
	if err != nil {
		die("statfs", err)
	}
	if err = fs.Rename(`work\copy.jpg`, `work\renamed.jpg`); err != nil {
		die("rename", err)
	}
	if err = fs.Symlink("renamed.jpg", `work\link.jpg`); err != nil {
		fmt.Println("refused: symlink:", err)
	}
	cp, err := fs.ReadFile(`work\renamed.jpg`)
	if err != nil {
		die("get copy", err)
	}
	if !bytes.Equal(cp, data[:1024]) {
		die("copy", fmt.Errorf("copied file differs"))
	}
	if err = fs.RemoveAll("work"); err != nil {
		die("rm -r work", err)
	}
	if err = fs.Remove("snapshot.jpg"); err != nil {
		die("rm", err)
	}
	if err = fs.Umount(); err != nil {
		die("tree disconnect", err)
	}
	if err = s.Logoff(); err != nil {
		die("logoff", err)
	}
	fmt.Printf("shares %v, listed %d, size %d, copied %d, %d blocks free\n",
		names, len(ents), st.Size(), n, fsi.AvailableBlockCount())
}
