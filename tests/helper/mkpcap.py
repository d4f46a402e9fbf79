#!/usr/bin/env python3
"""mkpcap.py KIND OUT: write a small capture of KIND to OUT for the tests.

Every capture carries SIP built here (msg()), so the expected output is
known.  KINDs: eth vlan qinq sll sll2 null loop raw4 raw6 ip6ext pcapng
nano v6 frag4 frag6 tcp tcpooo tcpretrans tcpsplit tcpmany sctp ws hep3
hep2 ipip gre erspan2 erspan3 vxlan gtpu pppoe mpls port trunc malformed
notsip tls wsspace sdp badsip tcpbig fragflood tcpinter tcpbytes hep3tcp hep3mid fragnest
snaplen snaplenng pptp link147 junk two408 mgcp hep3mgcp
"""
import struct
import sys

SRC4, DST4 = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
SRC6 = bytes.fromhex("20010db8000000000000000000000001")
DST6 = bytes.fromhex("20010db8000000000000000000000002")
T0 = 1700000000


def msg(n=1, method="OPTIONS", cid=None, body=b"", colon=":", ctype=None):
    cid = cid or "call-%d@example.com" % n
    head = ("%s sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-%d\r\n"
            "From: <sip:alice@example.com>;tag=a%d\r\n"
            "To: <sip:bob@example.com>\r\n"
            "Call-ID%s %s\r\n"
            "CSeq: %d %s\r\n"
            "%s"
            "Content-Length: %d\r\n\r\n" %
            (method, n, n, colon, cid, n, method,
             "Content-Type: %s\r\n" % ctype if ctype else "", len(body)))
    return head.encode() + body


def resp(n=1, code=200, method="OPTIONS", cid=None, reason="OK"):
    cid = cid or "call-%d@example.com" % n
    return ("SIP/2.0 %d %s\r\n"
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-%d\r\n"
            "From: <sip:alice@example.com>;tag=a%d\r\n"
            "To: <sip:bob@example.com>;tag=b%d\r\n"
            "Call-ID: %s\r\n"
            "CSeq: %d %s\r\n"
            "Content-Length: 0\r\n\r\n" %
            (code, reason, n, n, n, cid, n, method)).encode()


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(payload, proto=17, src=SRC4, dst=DST4, ident=1, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                    frag, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ip6(payload, nh=17, src=SRC6, dst=DST6):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64, src,
                       dst) + payload


def udp(payload, sport=5060, dport=5060):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(payload, seq, sport=40000, dport=5060, flags=0x18):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags,
                       65535, 0, 0) + payload


def eth(l3, etype=0x0800, tags=()):
    h = b"\x00\x00\x5e\x00\x53\x02" + b"\x00\x00\x5e\x00\x53\x01"
    for tpid, vid in tags:
        h += struct.pack("!HH", tpid, vid)
    return h + struct.pack("!H", etype) + l3


def pcap(frames, link=1, snap=65535, nano=False, step=1, usec=None,
         hdrsnap=None):
    magic = 0xa1b23c4d if nano else 0xa1b2c3d4
    out = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0,
                       snap if hdrsnap is None else hdrsnap, link)]
    for i, f in enumerate(frames):
        if isinstance(f, tuple):
            f, wire = f
        else:
            wire = len(f)
        cap = f[:snap]
        frac = (i * 1000 + 123) % 1000000 * (1000 if nano else 1)
        if usec is not None:     # times given, microseconds after T0
            i, frac = 0, usec[len(out) - 1]
        out.append(struct.pack("<IIII", T0 + i * step, frac, len(cap),
                               wire) + cap)
    return b"".join(out)


def pcapng(frames, link=1, snap=65535):
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))
    out += block(1, struct.pack("<HHI", link, 0, snap))
    for i, f in enumerate(frames):
        ts = (T0 + i) * 1000000 + i * 1000 + 123
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff,
                                    len(f), len(f)) + f)
    return out


def two():
    return [udp(msg(1)), udp(resp(1))]


def frags4(payload, ident, size=64):
    out, off = [], 0
    while off < len(payload):
        chunk = payload[off:off + size]
        more = off + size < len(payload)
        out.append(ip4(chunk, ident=ident, frag=(0x2000 if more else 0) |
                       (off // 8)))
        off += size
    return out


def frags6(payload, ident, size=64):
    out, off = [], 0
    while off < len(payload):
        chunk = payload[off:off + size]
        more = off + size < len(payload)
        fh = struct.pack("!BBHI", 17, 0, off | (1 if more else 0), ident)
        out.append(ip6(fh + chunk, nh=44))
        off += size
    return out


def sctp(chunks_payloads):
    chunks = b""
    for i, p in enumerate(chunks_payloads):
        c = struct.pack("!BBHIHHI", 0, 3, 16 + len(p), i + 1, 0, i, 0) + p
        chunks += c + b"\0" * (-len(c) % 4)
    return struct.pack("!HHII", 5060, 5060, 1, 0) + chunks


def wsframe(payload, mask=b""):
    h = bytes([0x81])
    n = len(payload)
    mbit = 0x80 if mask else 0
    if n < 126:
        h += bytes([mbit | n])
    else:
        h += bytes([mbit | 126]) + struct.pack("!H", n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return h + mask + payload


def hep3(payload, ptype=1):
    def chunk(t, v):
        return struct.pack("!HHH", 0, t, 6 + len(v)) + v
    body = (chunk(1, b"\x02") + chunk(2, b"\x11") + chunk(3, SRC4) +
            chunk(4, DST4) + chunk(7, struct.pack("!H", 5062)) +
            chunk(8, struct.pack("!H", 5064)) +
            chunk(9, struct.pack("!I", T0 + 100)) +
            chunk(10, struct.pack("!I", 5)) + chunk(11, bytes([ptype])) +
            chunk(15, payload))
    return b"HEP3" + struct.pack("!H", 6 + len(body)) + body


def hep2(payload):
    return (struct.pack("!BBBBHH", 2, 28, 2, 17, 5062, 5064) + SRC4 + DST4 +
            struct.pack("<IIHH", T0 + 100, 5, 1, 0) + payload)


def gre(inner, proto, flags=0, extra=b""):
    return struct.pack("!HH", flags, proto) + extra + inner


def mgcp_sdp(addr, port):
    return ("v=0\r\no=- 25678 753849 IN IP4 %s\r\ns=-\r\n"
            "c=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\n" %
            (addr, addr, port)).encode()


def mgcp_frames():
    """An MGCP exchange (RFC 3435) between a call agent at 192.0.2.10:2727
    and a gateway at 192.0.2.20:2427, one frame a second: frame 1 is SIP,
    2 RSIP, 3 its 200, 4 AUEP, 5 200, 6 RQNT (NCS profile), 7 200, 8 NTFY,
    9 200, 10 CRCX with SDP, 11 200 with SDP, 12 MDCX with SDP, 13 200
    and NTFY piggy-backed, 14 200 and DLCX piggy-backed, 15 250, 16 a
    CRCX with a parameter line without ':' (flagged), 17 its 510, 18 and
    19 a CRCX (TGCP profile) and its 200 between ports 5000 and 2500."""
    ca, gw = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])
    ca2, gw2 = bytes([192, 0, 2, 11]), bytes([192, 0, 2, 21])
    ep = "aaln/1@gw.example.net"
    cid = "A3C47F21456789F0"

    def down(t):    # call agent to gateway
        return ip4(udp(t.encode() if isinstance(t, str) else t, 2727, 2427),
                   src=ca, dst=gw)

    def up(t):      # gateway to call agent
        return ip4(udp(t.encode() if isinstance(t, str) else t, 2427, 2727),
                   src=gw, dst=ca)
    return [
        ip4(udp(msg(1))),
        up("RSIP 1000 *@gw.example.net MGCP 1.0\r\nRM: restart\r\n"),
        down("200 1000 OK\r\n"),
        down("AUEP 1001 %s MGCP 1.0\r\nF: A\r\n" % ep),
        up("200 1001 OK\r\nA: a:PCMU;PCMA, p:10-100, e:on, s:on, "
           "m:sendonly;recvonly;sendrecv;inactive\r\n"),
        down("RQNT 1002 %s MGCP 1.0 NCS 1.0\r\nN: ca@ca.example.net:2727"
             "\r\nX: 0123456789AB\r\nR: L/hd(N)\r\n" % ep),
        up("200 1002 OK\r\n"),
        up("NTFY 2001 %s MGCP 1.0\r\nN: ca@ca.example.net:2727\r\n"
           "X: 0123456789AB\r\nO: L/hd\r\n" % ep),
        down("200 2001 OK\r\n"),
        down(("CRCX 1003 %s MGCP 1.0\r\nC: %s\r\nL: p:20, a:PCMU\r\n"
              "M: recvonly\r\n\r\n" % (ep, cid)).encode() +
             mgcp_sdp("192.0.2.30", 49170)),
        up(b"200 1003 OK\r\nI: FDE234C8\r\n\r\n" +
           mgcp_sdp("192.0.2.20", 3456)),
        down(("MDCX 1004 %s MGCP 1.0\r\nC: %s\r\nI: FDE234C8\r\n"
              "M: sendrecv\r\n\r\n" % (ep, cid)).encode() +
             mgcp_sdp("192.0.2.30", 49171)),
        up("200 1004 OK\r\n.\r\nNTFY 2002 %s MGCP 1.0\r\n"
           "X: 0123456789AC\r\nO: L/hu\r\n" % ep),
        down("200 2002 OK\r\n.\r\nDLCX 1005 %s MGCP 1.0\r\nC: %s\r\n"
             "I: FDE234C8\r\n" % (ep, cid)),
        up("250 1005 OK\r\nP: PS=1245, OS=62345, PR=780, OR=45123, "
           "PL=10, JI=27, LA=48\r\n"),
        down("CRCX 1006 aaln/2@gw.example.net MGCP 1.0\r\nC: B0B0\r\n"
             "M recvonly\r\n"),
        up("510 1006 protocol error\r\n"),
        ip4(udp(b"CRCX 3001 ds/ds1-1/1@tgw.example.net MGCP 1.0 TGCP 1.0"
                b"\r\nC: 77\r\nM: sendrecv\r\n", 5000, 2500),
            src=ca2, dst=gw2),
        ip4(udp(b"200 3001 OK\r\nI: 9\r\n", 2500, 5000), src=gw2,
            dst=ca2),
    ]


def build(kind):
    E = lambda l3: eth(l3)
    if kind == "eth":
        return pcap([E(ip4(p)) for p in two()])
    if kind == "vlan":
        return pcap([eth(ip4(p), tags=[(0x8100, 10)]) for p in two()])
    if kind == "qinq":
        return pcap([eth(ip4(p), tags=[(0x88a8, 100), (0x8100, 10)])
                     for p in two()])
    if kind == "sll":
        h = struct.pack("!HHH8sH", 0, 1, 6, b"\0" * 8, 0x0800)
        return pcap([h + ip4(p) for p in two()], link=113)
    if kind == "sll2":
        h = struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\0" * 8)
        return pcap([h + ip4(p) for p in two()], link=276)
    if kind == "null":
        return pcap([struct.pack("<I", 2) + ip4(p) for p in two()], link=0)
    if kind == "loop":
        return pcap([struct.pack("!I", 24) + ip6(p) for p in two()], link=108)
    if kind == "raw4":
        return pcap([ip4(p) for p in two()], link=101)
    if kind == "raw6":
        return pcap([ip6(p) for p in two()], link=101)
    if kind == "v6":
        return pcap([eth(ip6(p), 0x86dd) for p in two()])
    if kind == "ip6ext":
        # hop-by-hop, then destination options, then UDP
        out = []
        for p in two():
            dst = struct.pack("!BB6s", 17, 0, b"\x01\x04\0\0\0\0")
            hbh = struct.pack("!BB6s", 60, 0, b"\x01\x04\0\0\0\0")
            out.append(eth(ip6(hbh + dst + p, nh=0), 0x86dd))
        return pcap(out)
    if kind == "pcapng":
        return pcapng([E(ip4(p)) for p in two()])
    if kind == "snaplen":
        # a header snap length (64) smaller than every record
        return pcap([E(ip4(p)) for p in two()], hdrsnap=64)
    if kind == "snaplenng":
        return pcapng([E(ip4(p)) for p in two()], snap=64)
    if kind == "nano":
        return pcap([E(ip4(p)) for p in two()], nano=True)
    if kind == "frag4":
        big = udp(msg(1, body=b"v=0\r\n" + b"a=x\r\n" * 60))
        fr = frags4(big, 7)
        fr = [fr[-1]] + fr[1:-1][::-1] + [fr[0]]   # all out of order
        return pcap([E(f) for f in fr] + [E(ip4(udp(resp(1))))])
    if kind == "frag6":
        big = udp(msg(1, body=b"v=0\r\n" + b"a=x\r\n" * 60))
        fr = frags6(big, 9)
        fr = fr[::-1]
        return pcap([eth(f, 0x86dd) for f in fr] +
                    [eth(ip6(udp(resp(1))), 0x86dd)])
    if kind == "fragflood":
        # 70 datagrams that never complete, then one that does
        out = [E(ip4(b"\0" * 64, ident=1000 + i, frag=0x2000))
               for i in range(70)]
        big = udp(msg(1, body=b"a=x\r\n" * 30))
        return pcap(out + [E(f) for f in frags4(big, 5)], step=0)
    if kind in ("tcp", "tcpooo", "tcpretrans", "tcpsplit", "tcpmany"):
        m1, m2, m3 = msg(1, body=b"hello"), msg(2), resp(2)
        seq = 1000
        syn = E(ip4(tcp(b"", seq - 1, flags=0x02), proto=6))
        if kind == "tcpmany":
            segs = [(seq, m1 + m2 + b"\r\n\r\n" + m3)]
        else:
            stream = m1 + m2 + m3
            cuts = [0, 30, len(m1) + 10, len(m1) + len(m2), len(stream)]
            segs = [(seq + a, stream[a:b]) for a, b in zip(cuts, cuts[1:])]
        if kind == "tcpooo":
            segs = [segs[0], segs[2], segs[1], segs[3]]
        if kind == "tcpretrans":
            segs = [segs[0], segs[1], segs[1], segs[0], segs[2], segs[2],
                    segs[3]]
        if kind == "tcpsplit":
            # one byte per segment for the first message
            segs = [(seq + i, m1[i:i + 1]) for i in range(len(m1))] + \
                   [(seq + len(m1), m2 + m3)]
        return pcap([syn] + [E(ip4(tcp(p, s), proto=6)) for s, p in segs])
    if kind == "tcpbytes":
        # one message in more one-byte segments than -w keeps (1024)
        m1 = msg(1, body=b"x" * 900)
        return pcap([E(ip4(tcp(m1[i:i + 1], 100 + i), proto=6))
                     for i in range(len(m1))], step=0)
    if kind in ("hep3tcp", "hep3mid"):
        # HEP3 over TCP to a collector (Homer): three packets, the first
        # split over two segments, the other two in one; hep3mid is the
        # capture joined in the middle of the first
        h1 = hep3(msg(1))
        stream = h1 + hep3(resp(1)) + hep3(msg(2, "REGISTER"))
        cuts = [0, 30, len(h1) + 10, len(stream)]
        syn = E(ip4(tcp(b"", 99, 41000, 9061, flags=0x02), proto=6))
        segs = [E(ip4(tcp(stream[a:b], 100 + a, 41000, 9061), proto=6))
                for a, b in zip(cuts, cuts[1:])]
        return pcap([syn] + segs if kind == "hep3tcp" else segs[1:])
    if kind == "fragnest":
        # IP in IP where both layers are fragmented: the inner datagram's
        # first fragment rides in an outer datagram that is itself in two
        # fragments, its second in an outer packet of its own
        big = udp(msg(1, body=b"a=x\r\n" * 30))
        inner = frags4(big, 21, size=120)
        o1 = ip4(inner[0], proto=4, src=bytes([10, 0, 0, 1]), ident=31)
        hdr, body = o1[:20], o1[20:]
        outer = frags4(body, 31, size=64)
        outer = [ip4(f[20:], proto=4, src=bytes([10, 0, 0, 1]),
                     ident=31, frag=struct.unpack("!H", f[6:8])[0])
                 for f in outer]
        rest = [ip4(f, proto=4, src=bytes([10, 0, 0, 1]), ident=40 + i)
                for i, f in enumerate(inner[1:])]
        return pcap([E(f) for f in outer + rest])
    if kind == "tcpinter":
        # two connections interleaved: a message of call 1 in frames 1
        # and 3, one of call 2 whole in frame 2, a UDP one in frame 4
        m1, m2 = msg(1, "INVITE", body=b"v=0\r\n"), msg(2)
        return pcap([E(ip4(tcp(m1[:40], 100), proto=6)),
                     E(ip4(tcp(m2, 500, 40002, 5060), proto=6)),
                     E(ip4(tcp(m1[40:], 140), proto=6)),
                     E(ip4(udp(resp(1, 180, "INVITE", reason="Ringing"))))])
    if kind == "tcpbig":
        # a segment far ahead whose gap never fills: cap, then resync
        seq = 5000
        out = [E(ip4(tcp(msg(1)[:40], seq), proto=6))]
        blob = b"x" * 1400
        for i in range(200):
            out.append(E(ip4(tcp(blob, seq + 100 + i * 1400), proto=6)))
        out.append(E(ip4(tcp(msg(2), seq + 100 + 200 * 1400), proto=6)))
        return pcap(out)
    if kind == "sctp":
        return pcap([E(ip4(sctp([msg(1), resp(1)]), proto=132))])
    if kind == "sctpfrag":
        # one INVITE in three DATA chunks over two packets, then a whole one
        inv = msg(1, "INVITE", body=b"v=0\r\n" * 20)
        a, b, c = inv[:50], inv[50:120], inv[120:]

        def data(flags, tsn, p):
            ch = struct.pack("!BBHIHHI", 0, flags, 16 + len(p), tsn, 0, 0,
                             0) + p
            return ch + b"\0" * (-len(ch) % 4)
        hdr = struct.pack("!HHII", 5060, 5060, 1, 0)
        return pcap([E(ip4(hdr + data(2, 10, a) + data(0, 11, b),
                           proto=132)),
                     E(ip4(hdr + data(1, 12, c) + data(3, 13, resp(1)),
                           proto=132))])
    if kind == "ws":
        up = (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n")
        ok = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\n\r\n")
        a = wsframe(msg(1), mask=b"\x12\x34\x56\x78")
        b = wsframe(resp(1))
        return pcap([
            E(ip4(tcp(up, 1, 40000, 80), proto=6)),
            E(ip4(tcp(ok, 1, 80, 40000), proto=6)),
            E(ip4(tcp(a[:20], 1 + len(up), 40000, 80), proto=6)),
            E(ip4(tcp(a[20:], 21 + len(up), 40000, 80), proto=6)),
            E(ip4(tcp(b, 1 + len(ok), 80, 40000), proto=6))])
    if kind == "hep3":
        return pcap([E(ip4(udp(hep3(p), 40000, 9060))) for p in
                     (msg(1), resp(1))])
    if kind == "hep3mgcp":
        # MGCP in HEP3 (protocol type 6): a command whose verb no
        # content rule knows, its answer with a CRCX piggy-backed, then
        # SIP (type 1) and MGCP sent as SIP's type (known by content)
        return pcap([E(ip4(udp(hep3(p, t), 40000, 9060))) for p, t in
                     ((b"XYZW 77 a@gw MGCP 1.0\r\nC: h1\r\n", 6),
                      (b"200 77 OK\r\n.\r\nCRCX 78 a@gw MGCP 1.0\r\n"
                       b"C: h1\r\n", 6),
                      (msg(1), 1),
                      (b"DLCX 79 a@gw MGCP 1.0\r\nC: h1\r\n", 1))])
    if kind == "hep2":
        return pcap([E(ip4(udp(hep2(p), 40000, 9060))) for p in
                     (msg(1), resp(1))])
    if kind == "ipip":
        return pcap([E(ip4(ip4(p, src=bytes([10, 0, 0, 1])), proto=4))
                     for p in two()])
    if kind == "gre":
        return pcap([E(ip4(gre(ip4(p), 0x0800, 0x2000, b"\0\0\0\1"),
                           proto=47)) for p in two()])
    if kind == "pptp":
        # enhanced GRE (RFC 2637 4.1) carrying PPP: the request with
        # address and control bytes, sequence number and ack; an ack
        # alone; an LCP echo (control, not named); a compressed datagram
        # (PPP 0x00fd, skipped); the response with a compressed protocol
        # field and no address and control; GRE version 2 (skipped)
        def egre(ppp, seq=None, ack=None):
            flags = 0x2001 | (0x1000 if seq is not None else 0) | \
                (0x0080 if ack is not None else 0)
            h = struct.pack("!HHHH", flags, 0x880b, len(ppp), 7)
            h += struct.pack("!I", seq) if seq is not None else b""
            h += struct.pack("!I", ack) if ack is not None else b""
            return E(ip4(h + ppp, proto=47))
        a, b = two()
        return pcap([egre(b"\xff\x03\x00\x21" + ip4(a), 1, 0),
                     egre(b"", ack=1),
                     egre(b"\xff\x03\xc0\x21\x09\x01\x00\x08\0\0\0\0", 2),
                     egre(b"\xff\x03\x00\xfd\x01\x02", 3),
                     egre(b"\x21" + ip4(b), 4),
                     E(ip4(struct.pack("!HH", 2, 0x880b) + b"\0" * 8,
                           proto=47))])
    if kind == "junk":
        # junk before the start line: "DB" over UDP; over TCP, two bytes
        # left after a message whose Content-Length falls short
        inv = msg(1, "INVITE", body=b"helloDB").replace(
            b"Content-Length: 7", b"Content-Length: 5")
        return pcap([E(ip4(udp(b"DB" + msg(2, "REGISTER")))),
                     E(ip4(tcp(b"", 99, flags=0x02), proto=6)),
                     E(ip4(tcp(inv + msg(3, "REGISTER"), 100), proto=6))])
    if kind == "two408":
        # an INVITE with an SDP offer over UDP timed out twice (two alike
        # 408s, the second INVITE over TCP), then one without SDP whose
        # 200 makes the offer and whose ACK answers
        A, B = SRC4, DST4
        c = "two408@example.com"
        sdp = (b"v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
               b"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
        ok = resp(3, 200, "INVITE", c).replace(
            b"Content-Length: 0\r\n\r\n", b"Content-Type: application/sdp"
            b"\r\nContent-Length: %d\r\n\r\n" % len(sdp)) + sdp
        up = lambda p: E(ip4(udp(p), src=A, dst=B))
        down = lambda p: E(ip4(udp(p), src=B, dst=A))
        inv = lambda n: msg(n, "INVITE", c, body=sdp, ctype="application/sdp")
        return pcap([up(inv(1)),
                     down(resp(1, 408, "INVITE", c, "Request Timeout")),
                     E(ip4(tcp(inv(2), 100, 5060, 5060), proto=6, src=A,
                           dst=B)),
                     down(resp(2, 408, "INVITE", c, "Request Timeout")),
                     up(msg(3, "INVITE", c)), down(ok),
                     up(msg(3, "ACK", c, body=sdp,
                            ctype="application/sdp"))])
    if kind == "link147":
        # a link type sip-parse does not know (USER0), then nothing else
        return pcap([ip4(p) for p in two()], link=147)
    if kind == "erspan2":
        hdr = struct.pack("!II", 0x10000001, 0)
        return pcap([E(ip4(gre(hdr + eth(ip4(p)), 0x88be, 0x1000,
                               struct.pack("!I", i)), proto=47))
                     for i, p in enumerate(two())])
    if kind == "erspan3":
        hdr = struct.pack("!III", 0x20000001, 0, 0)
        return pcap([E(ip4(gre(hdr + eth(ip4(p)), 0x22eb, 0x1000,
                               struct.pack("!I", i)), proto=47))
                     for i, p in enumerate(two())])
    if kind == "vxlan":
        return pcap([E(ip4(udp(struct.pack("!II", 0x08000000, 42 << 8) +
                                eth(ip4(p)), 50000, 4789))) for p in two()])
    if kind == "gtpu":
        return pcap([E(ip4(udp(struct.pack("!BBHI", 0x30, 0xff,
                                            len(ip4(p)), 1) + ip4(p),
                                2152, 2152))) for p in two()])
    if kind == "pppoe":
        return pcap([eth(struct.pack("!BBHHH", 0x11, 0, 1, len(ip4(p)) + 2,
                                     0x21) + ip4(p), 0x8864)
                     for p in two()])
    if kind == "mpls":
        return pcap([eth(struct.pack("!I", (16 << 12) | 0x100 | 64) + ip4(p),
                         0x8847) for p in two()])
    if kind == "port":
        return pcap([E(ip4(udp(msg(1), 5060, 5060))),
                     E(ip4(udp(msg(2), 6000, 6001))),
                     E(ip4(udp(msg(3), 7000, 5080)))])
    if kind == "trunc":
        full = E(ip4(udp(msg(2))))
        return pcap([E(ip4(udp(msg(1)))), (full[:60], len(full)),
                     E(ip4(udp(msg(3))))], snap=65535)
    if kind == "malformed":
        bad = E(ip4(udp(msg(2))))
        bad = bad[:14] + b"\x45\x00\xff\xff" + bad[18:]   # total length
        return pcap([E(ip4(udp(msg(1)))), bad, b"\x00" * 10,
                     E(ip4(udp(msg(3))))])
    if kind == "lenient":
        # datagrams that frame what breaks the grammar: Content-Length
        # not a number, a last header cut mid-name, Content-Length past
        # the end, an IP total length larger than the frame
        nan = msg(1).replace(b"Content-Length: 0", b"Content-Length: zero")
        big = msg(3).replace(b"Content-Length: 0", b"Content-Length: 99")
        lie = E(ip4(udp(msg(4))))
        lie = lie[:16] + b"\x02\x00" + lie[18:]   # total length 512
        return pcap([E(ip4(udp(nan))), E(ip4(udp(msg(2)[:-8]))),
                     E(ip4(udp(big))), lie, E(ip4(udp(resp(4))))])
    if kind == "dups":
        # a SPAN port's copies (same bytes 20 us apart) of an OPTIONS
        # retransmitted 500 ms later, and of its 200
        o, r = E(ip4(udp(msg(1)))), E(ip4(udp(resp(1))))
        return pcap([o, o, o, o, r, r], usec=[0, 20, 500000, 500020,
                                              600000, 600020])
    if kind == "badsip":
        return pcap([E(ip4(udp(msg(1)))),
                     E(ip4(udp(b"INVITE sip:x SIP/2.0\r\nCSeq 1\r\n\r\n"))),
                     E(ip4(udp(msg(3))))])
    if kind == "notsip":
        return pcap([E(ip4(udp(b"\r\n\r\n"))), E(ip4(udp(b"GET / HTTP/1.1"
                                                       b"\r\n\r\n", 1, 5060))),
                     E(ip4(udp(msg(1)))), b"\xff" * 20])
    if kind == "tls":
        rec = b"\x16\x03\x01\x00\x05hello"
        return pcap([E(ip4(tcp(rec, 1, 40000, 5061), proto=6)),
                     E(ip4(tcp(b"\x17\x03\x03\x00\x02hi", 11, 40000, 5061),
                           proto=6)),
                     E(ip4(udp(msg(1))))])
    if kind == "call6":
        # one INVITE through a proxy with a long IPv6 address, and a
        # reason phrase longer than the default column
        a = bytes.fromhex("20010db8000000000000000000000001")
        b = bytes.fromhex("20010db8aaaabbbbccccddddeeee0002")
        c = bytes.fromhex("20010db8000000000000000000000003")
        inv = msg(1, "INVITE", "v6@example.com")
        return pcap([
            eth(ip6(udp(inv), src=a, dst=b), etype=0x86dd),
            eth(ip6(udp(resp(1, 100, "INVITE", "v6@example.com",
                             "Trying")), src=b, dst=a), etype=0x86dd),
            eth(ip6(udp(inv, dport=5062), src=b, dst=c), etype=0x86dd),
            eth(ip6(udp(resp(1, 183, "INVITE", "v6@example.com",
                             "Session Progress with a long reason"),
                        sport=5062), src=c, dst=b), etype=0x86dd)])
    if kind == "call":
        # a registration with a challenge, then a call with a
        # retransmitted INVITE; one frame a second
        A, B = SRC4, DST4
        up = lambda p: E(ip4(udp(p), src=A, dst=B))
        down = lambda p: E(ip4(udp(p), src=B, dst=A))
        r, c = "reg@example.com", "call@example.com"
        inv = msg(5, "INVITE", c, body=b"v=0\r\n")
        return pcap([up(msg(1, "REGISTER", r)),
                     down(resp(1, 401, "REGISTER", r, "Unauthorized")),
                     up(msg(2, "REGISTER", r)),
                     down(resp(2, 200, "REGISTER", r)),
                     up(inv), up(inv),
                     down(resp(5, 100, "INVITE", c, "Trying")),
                     down(resp(5, 180, "INVITE", c, "Ringing")),
                     down(resp(5, 200, "INVITE", c)),
                     up(msg(5, "ACK", c)),
                     up(msg(6, "BYE", c)),
                     down(resp(6, 200, "BYE", c))])
    if kind == "authcall":
        # a call challenged with 407 then answered; one challenged and
        # tried again, whose old 407 comes back late; one left at 401
        A, B = SRC4, DST4
        up = lambda p: E(ip4(udp(p), src=A, dst=B))
        down = lambda p: E(ip4(udp(p), src=B, dst=A))
        a, b, c = "auth@example.com", "late@example.com", "left@example.com"
        return pcap([up(msg(1, "INVITE", a)),
                     down(resp(1, 407, "INVITE", a,
                               "Proxy Authentication Required")),
                     up(msg(1, "ACK", a)),
                     up(msg(2, "INVITE", a)),
                     down(resp(2, 180, "INVITE", a, "Ringing")),
                     down(resp(2, 200, "INVITE", a)),
                     up(msg(1, "INVITE", b)),
                     down(resp(1, 401, "INVITE", b, "Unauthorized")),
                     up(msg(2, "INVITE", b)),
                     down(resp(1, 401, "INVITE", b, "Unauthorized")),
                     up(msg(1, "INVITE", c)),
                     down(resp(1, 401, "INVITE", c, "Unauthorized"))])
    if kind == "manycalls":
        # more calls than the call table holds (SIP_MAX_DIALOGS, 10000)
        return pcap([E(ip4(udp(msg(i, "OPTIONS", "many-%d" % i))))
                     for i in range(1, 10006)], step=0)
    if kind == "sdp":
        # frame 2: SDP without a=rtpmap for its dynamic payload type 97
        # (line 15 of the message, column 27); frame 3 over TCP: SDP
        # with v=1 inside multipart/mixed (line 17, column 3)
        good = (b"o=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
                b"c=IN IP4 192.0.2.1\r\nt=0 0\r\n")
        bad = b"v=0\r\n" + good + b"m=audio 49170 RTP/AVP 0 8 97\r\n"
        mixed = (b"--b1\r\nContent-Type: text/plain\r\n\r\nnote\r\n"
                 b"--b1\r\nContent-Type: application/sdp\r\n\r\n"
                 b"v=1\r\n" + good + b"m=audio 49170 RTP/AVP 0\r\n"
                 b"--b1--\r\n")
        return pcap([E(ip4(udp(msg(1)))),
                     E(ip4(udp(msg(2, "INVITE", body=bad,
                                   ctype="application/sdp")))),
                     E(ip4(tcp(msg(3, "INVITE", body=mixed,
                                   ctype="multipart/mixed;boundary=b1"),
                               100), proto=6))])
    if kind == "mgcp":
        return pcap([E(f) for f in mgcp_frames()])
    if kind == "wsspace":
        # RFC 3261 7.3.1 allows whitespace before the colon
        return pcap([E(ip4(udp(msg(1, cid="space@example.com",
                                   colon=" :"))))])
    raise SystemExit("mkpcap: unknown kind '%s'" % kind)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    data = build(sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
