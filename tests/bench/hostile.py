#!/usr/bin/env python3
"""tests/bench/hostile.py - the hostile clients of tests/bench/load.

Opens IDLE TCP connections that never send, SILENT TLS connections that
never send a ClientHello and a few that send half of one, one TCP client
that pipelines OPTIONS and never reads, then writes READY and floods the
UDP port with FLOOD garbage datagrams, paced at RATE a second.  A silent
or half handshake the server closes at its deadline is opened again, so
that SILENT of them stay.  It holds everything open until killed or
SECONDS have passed: every loop is bounded in count and time.

usage: hostile.py HOST UDP TCP TLS READY [-i IDLE] [-s SILENT] [-f FLOOD]
                  [-r RATE] [-t SECONDS]
"""
import argparse
import select
import socket
import sys
import time


def connect(host, port):
    s = socket.create_connection((host, port), timeout=5)
    s.setblocking(False)
    return s


# A TLS record header announcing 512 bytes of handshake, a ClientHello
# type and length, and then only the first bytes of its body: the server
# waits for the rest of the record.
HALF_HELLO = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc,
                    0x03, 0x03]) + bytes(32)


def pipeline(host, port, limit):
    """Send up to limit OPTIONS on one connection without reading."""
    s = connect(host, port)
    sent, how = 0, "unread"
    for i in range(limit):
        req = ("OPTIONS sip:%s:%d SIP/2.0\r\n"
               "Via: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKpipe%d\r\n"
               "Max-Forwards: 70\r\nFrom: <sip:p@127.0.0.1>;tag=p\r\n"
               "To: <sip:%s:%d>\r\nCall-ID: pipe%d@127.0.0.1\r\n"
               "CSeq: %d OPTIONS\r\nContent-Length: 0\r\n\r\n"
               % (host, port, i, host, port, i, i + 1)).encode()
        try:
            # a partial send leaves the stream mid-request; stop there
            if s.send(req) < len(req):
                break
        except BlockingIOError:
            break
        except OSError:
            # the server dropped the client that would not read
            how = "unread, then reset by sip-serve"
            break
        sent += 1
    return s, sent, how


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("udp", type=int)
    ap.add_argument("tcp", type=int)
    ap.add_argument("tls", type=int)
    ap.add_argument("ready")
    ap.add_argument("-i", type=int, default=1000, dest="idle")
    ap.add_argument("-s", type=int, default=20, dest="silent")
    ap.add_argument("-f", type=int, default=20000, dest="flood")
    ap.add_argument("-r", type=int, default=10000, dest="rate")
    ap.add_argument("-t", type=float, default=60, dest="seconds")
    a = ap.parse_args()
    end = time.monotonic() + a.seconds

    held = [connect(a.host, a.tcp) for _ in range(a.idle)]
    # handshakes: socket -> the bytes it sent (none, or half a hello)
    shakes = {connect(a.host, a.tls): b"" for _ in range(a.silent)}
    for _ in range(3):
        s = connect(a.host, a.tls)
        s.send(HALF_HELLO)
        shakes[s] = HALF_HELLO
    held += list(shakes)
    s, sent, how = pipeline(a.host, a.tcp, 100000)
    held.append(s)
    with open(a.ready, "w") as f:
        f.write("%d connections, %d requests pipelined %s\n"
                % (len(held), sent, how))

    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    junk = [b"\x00\xffgarbage " * (1 + i % 40) for i in range(64)]
    junk += [b"INVITE sip:x SIP/2.0\r\nVia: \r\n\r\n", b"SIP/2.0 999\r\n\r\n",
             b"OPTIONS  SIP/2.0\r\nContent-Length: 99999999\r\n\r\n"]
    def renew():
        """Open again each handshake the server closed at its deadline."""
        p = select.poll()	# select() stops at descriptor 1023
        byfd = {s.fileno(): s for s in shakes}
        for fd in byfd:
            p.register(fd, select.POLLIN)
        for fd, _ in p.poll(0):
            s = byfd[fd]
            try:
                if s.recv(4096):
                    continue
            except OSError:
                pass
            sent = shakes.pop(s)
            s.close()
            try:
                s = connect(a.host, a.tls)
                if sent:
                    s.send(sent)
                shakes[s] = sent
            except OSError:
                pass
    gap = 1.0 / a.rate if a.rate > 0 else 0
    t0 = last = time.monotonic()
    for i in range(a.flood):
        now = time.monotonic()
        if now > end:
            break
        if now - last > 0.2:
            renew()
            last = now
        try:
            u.sendto(junk[i % len(junk)], (a.host, a.udp))
        except OSError:
            pass
        # keep to the rate: sleep while ahead of schedule
        ahead = t0 + i * gap - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    while time.monotonic() < end:
        renew()
        time.sleep(min(0.2, max(0, end - time.monotonic())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
