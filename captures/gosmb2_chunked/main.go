// gosmb2_chunked - go-smb2 writing one file in small WRITEs or in one, for
// captures/record.sh (chunked_gosmb2.pcap / whole_gosmb2.pcap).
//
//	gosmb2_chunked -chunk N SERVER USER PASSWORD SHARE
//
// Run in a directory holding big.jpg (65536 bytes). Logs on (SMB 3.1.1,
// go-smb2's defaults), mounts the share, creates big.jpg and writes it
// with one File.Write call per N bytes (go-smb2 sends one WRITE request per
// call as long as N is at most the server's MaxWriteSize; -chunk 0 = one
// call for the whole file), closes it, stats it, reads it back to big.out,
// deletes it, unmounts, logs off. Any failed step is fatal.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"os"

	smb2 "github.com/hirochachacha/go-smb2"
)

func die(step string, err error) {
	fmt.Fprintf(os.Stderr, "gosmb2_chunked: %s: %v\n", step, err)
	os.Exit(1)
}

func main() {
	chunk := flag.Int("chunk", 0, "bytes per WRITE (0: the whole file in one Write call)")
	flag.Parse()
	if flag.NArg() != 4 {
		fmt.Fprintln(os.Stderr, "usage: gosmb2_chunked -chunk N SERVER USER PASSWORD SHARE")
		os.Exit(2)
	}
	server, user, pass, share := flag.Arg(0), flag.Arg(1), flag.Arg(2), flag.Arg(3)
	data, err := os.ReadFile("big.jpg")
	if err != nil {
		die("read big.jpg", err)
	}
	conn, err := net.Dial("tcp", net.JoinHostPort(server, "445"))
	if err != nil {
		die("connect", err)
	}
	defer conn.Close()
	dialer := &smb2.Dialer{
		Initiator: &smb2.NTLMInitiator{User: user, Password: pass, Domain: "WORKGROUP"},
	}
	s, err := dialer.Dial(conn)
	if err != nil {
		die("session setup", err)
	}
	fs, err := s.Mount(`\\` + server + `\` + share)
	if err != nil {
		die("tree connect", err)
	}
	f, err := fs.Create("big.jpg")
	if err != nil {
		die("create", err)
	}
	step := *chunk
	if step <= 0 {
		step = len(data)
	}
	writes := 0
	for off := 0; off < len(data); off += step {
		end := off + step
		if end > len(data) {
			end = len(data)
		}
		if _, err = f.Write(data[off:end]); err != nil {
			die("write", err)
		}
		writes++
	}
	if err = f.Close(); err != nil {
		die("close", err)
	}
	st, err := fs.Stat("big.jpg")
	if err != nil {
		die("stat", err)
	}
	got, err := fs.ReadFile("big.jpg")
	if err != nil {
		die("get", err)
	}
	if !bytes.Equal(got, data) {
		die("get", fmt.Errorf("downloaded file differs"))
	}
	if err = os.WriteFile("big.out", got, 0644); err != nil {
		die("write big.out", err)
	}
	if err = fs.Remove("big.jpg"); err != nil {
		die("rm", err)
	}
	if err = fs.Umount(); err != nil {
		die("tree disconnect", err)
	}
	if err = s.Logoff(); err != nil {
		die("logoff", err)
	}
	fmt.Printf("wrote %d bytes in %d Write calls of up to %d, size %d\n", len(data), writes, step, st.Size())
}
