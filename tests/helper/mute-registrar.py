# mute-registrar.py PORTFILE SECONDS LOG: a TCP registrar on 127.0.0.1
# that answers every REGISTER 200 but never answers a CRLF CRLF
# keep-alive and keeps the connection open - a flow that died without
# closing, for tests/sip-register.bats.  Its port goes to PORTFILE; each
# REGISTER answered appends "REGISTER <connection number>" to LOG; it
# stops after SECONDS.
import os, re, selectors, socket, sys, time

portfile, secs, log = sys.argv[1], float(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(portfile + ".tmp", portfile)


def answer(req):
    """200 OK with the request's Via, From, To (tagged), Call-ID, CSeq
    and Contact, granting 3600 s."""
    keep = []
    for l in req.split("\r\n")[1:]:
        if re.match(r"(?i)(to|t):", l) and ";tag=" not in l:
            l += ";tag=mute"
        if re.match(r"(?i)(via|v|from|f|to|t|call-id|i|cseq|contact|m):", l):
            keep.append(l)
    return ("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
            "\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n").encode()


sel = selectors.DefaultSelector()
sel.register(s, selectors.EVENT_READ)
bufs, nconn = {}, 0
end = time.monotonic() + secs
while time.monotonic() < end:
    for key, _ in sel.select(max(0.01, end - time.monotonic())):
        if key.fileobj is s:
            c, _ = s.accept()
            nconn += 1
            bufs[c] = [b"", nconn]
            sel.register(c, selectors.EVENT_READ)
            continue
        c = key.fileobj
        d = c.recv(65536)
        if not d:
            sel.unregister(c)
            c.close()
            del bufs[c]
            continue
        bufs[c][0] += d
        # keep-alives are swallowed: CRLFs between messages are dropped
        while True:
            data = bufs[c][0].lstrip(b"\r\n")
            i = data.find(b"\r\n\r\n")
            if i < 0:
                bufs[c][0] = data
                break
            head = data[:i].decode("latin-1")
            bufs[c][0] = data[i + 4:]   # REGISTERs here have no body
            if head.startswith("REGISTER "):
                c.sendall(answer(head))
                with open(log, "a") as f:
                    f.write("REGISTER %d\n" % bufs[c][1])
