#!/usr/bin/env python3
"""hepsink.py udp|tcp PORTFILE PCAP TEXT COUNT: a HEP collector for the
tests, on 127.0.0.1.  It binds port 0 and writes the port to PORTFILE,
takes COUNT HEP3 packets (UDP datagrams, or a TCP stream of them), at
most 20 s, then writes them to PCAP as a capture would hold them
(Ethernet, IPv4, UDP or one TCP stream to the port) and decodes each
itself - a HEP3 reader apart from sip-parse's - into a line of TEXT:
family proto src sport dst dport sec usec type capture-id auth-key,
tab-separated, then the payload's bytes as Python's repr."""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkpcap  # noqa: E402


def decode(p):
    f = {}
    if p[:4] != b"HEP3":
        raise SystemExit("hepsink: not HEP3")
    tot = struct.unpack("!H", p[4:6])[0]
    off = 6
    while off + 6 <= tot:
        vendor, typ, ln = struct.unpack("!HHH", p[off:off + 6])
        v = p[off + 6:off + ln]
        if vendor == 0:
            f[typ] = v
        off += ln
    ip = lambda v: socket.inet_ntop(socket.AF_INET if len(v) == 4
                                    else socket.AF_INET6, v)
    n = lambda k: str(int.from_bytes(f.get(k, b""), "big")) if k in f \
        else "-"
    return "\t".join([n(1), n(2), ip(f.get(3, f.get(5, b"\0" * 4))), n(7),
                      ip(f.get(4, f.get(6, b"\0" * 4))), n(8), n(9),
                      n(10), n(11), n(12),
                      f[14].decode() if 14 in f else "-",
                      repr(f.get(15, b""))]), tot


def main():
    kind, portfile, pcapf, textf, count = sys.argv[1:6]
    count = int(count)
    deadline = time.time() + 20
    tcp = kind == "tcp"
    s = socket.socket(socket.AF_INET,
                      socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    if tcp:
        s.listen(1)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)
    pkts = []
    if tcp:
        s.settimeout(20)
        c, _ = s.accept()
        data = b""
        while len(pkts) < count and time.time() < deadline:
            c.settimeout(max(0.1, deadline - time.time()))
            try:
                chunk = c.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
            while len(data) >= 6:
                tot = struct.unpack("!H", data[4:6])[0]
                if len(data) < tot:
                    break
                pkts.append(data[:tot])
                data = data[tot:]
    else:
        while len(pkts) < count and time.time() < deadline:
            s.settimeout(max(0.1, deadline - time.time()))
            try:
                pkts.append(s.recv(65536))
            except socket.timeout:
                break
    E = mkpcap.eth
    if tcp:
        stream = b"".join(pkts)
        frames = [E(mkpcap.ip4(mkpcap.tcp(b"", 99, 41000, port, 0x02),
                                proto=6))]
        for i in range(0, len(stream), 1400):
            frames.append(E(mkpcap.ip4(mkpcap.tcp(stream[i:i + 1400],
                                                  100 + i, 41000, port),
                                       proto=6)))
    else:
        frames = [E(mkpcap.ip4(mkpcap.udp(p, 41000, port))) for p in pkts]
    with open(pcapf, "wb") as f:
        f.write(mkpcap.pcap(frames))
    with open(textf, "w") as f:
        for p in pkts:
            f.write(decode(p)[0] + "\n")


if __name__ == "__main__":
    main()
