#!/usr/bin/env python3
"""mkescape.py IN.pcap OUT.pcap - a copy of IN whose SMB2 names hold markup,
quotes, ampersands, control characters and a lone UTF-16 surrogate, for
the escaping test of the --html report (tests/cli_html.sh).

Each name is replaced by one of the same length in UTF-16 code units, so
every length field, NBSS header and TCP sequence number stays right:
  \\\\127.0.0.1\\share (Tree Connect path, 17) -> <svg/onload=p=1>U+2028
  \\\\127.0.0.1\\IPC$ (Tree Connect path, 16)  -> <!--^G^A?&'"-->xyz
  snapshot.jpg (Create names, 12)           -> </script>"&'
(? a lone surrogate 0xD800). Run on captures/reference.pcap."""
import struct
import sys

def u16(s):
    return s.encode("utf-16-le")

REPL = [
    (u16("\\\\127.0.0.1\\share"), u16("<svg/onload=p=1>\u2028")),
    (u16("\\\\127.0.0.1\\IPC$"),
     u16("<!--\x07\x01") + struct.pack("<H", 0xD800) + u16("&'\"-->xyz")),
    (u16("snapshot.jpg"), u16("</script>\"&'")),
]

def main():
    src, dst = sys.argv[1], sys.argv[2]
    data = open(src, "rb").read()
    for old, new in REPL:
        assert len(old) == len(new), (old, new)
        n = data.count(old)
        if n == 0:
            sys.exit(f"mkescape.py: {old!r} not in {src}")
        data = data.replace(old, new)
    open(dst, "wb").write(data)

if __name__ == "__main__":
    main()
