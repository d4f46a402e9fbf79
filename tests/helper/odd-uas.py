# odd-uas.py MODE PORTFILE SECONDS [OUT]: a peer on 127.0.0.1 that answers
# sip-send's requests in one odd way, for tests/sip-send.bats.  Its port
# goes to PORTFILE; it stops after SECONDS.
#   folded    UDP: 200 OK with a header folded over three lines
#   record    UDP: 200 OK, and each request's bytes appended to OUT
#   longline  TCP: a response whose one header line is 1 MB long
#   minexp    UDP: 423 Interval Too Brief with Min-Expires: 3600
#   hugecl    TCP: a response that says Content-Length: 999999999 and
#             sends 10 bytes of body, then holds the connection open
import os, re, socket, sys, time

mode, portfile, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
out = sys.argv[4] if len(sys.argv) > 4 else None
stream = mode in ("longline", "hugecl")
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if stream else
                  socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
if stream:
    s.listen(4)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(portfile + ".tmp", portfile)


def head_of(data):
    """The request's Via, From, To (tagged), Call-ID and CSeq lines."""
    lines = data.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    keep = []
    for l in lines[1:]:
        if re.match(r"(?i)(to|t):", l) and ";tag=" not in l:
            l += ";tag=odd"
        if re.match(r"(?i)(via|v|from|f|to|t|call-id|i|cseq):", l):
            keep.append(l)
    return "\r\n".join(keep) + "\r\n"


def read_request(c):
    data = b""
    while b"\r\n\r\n" not in data:
        d = c.recv(65536)
        if not d:
            return None
        data += d
    return data


end = time.monotonic() + secs
held = []
while time.monotonic() < end:
    s.settimeout(max(0.01, end - time.monotonic()))
    try:
        if stream:
            c, _ = s.accept()
            c.settimeout(max(0.01, end - time.monotonic()))
            data = read_request(c)
        else:
            data, src = s.recvfrom(65535)
    except (socket.timeout, OSError):
        break
    if data is None:
        continue
    if mode == "folded":
        s.sendto(("SIP/2.0 200 OK\r\n" + head_of(data) +
                  "X-Folded: one,\r\n two,\r\n\tthree\r\n"
                  "Content-Length: 0\r\n\r\n").encode(), src)
    elif mode == "minexp":
        s.sendto(("SIP/2.0 423 Interval Too Brief\r\n" + head_of(data) +
                  "Min-Expires: 3600\r\nContent-Length: 0\r\n\r\n").encode(),
                 src)
    elif mode == "record":
        with open(out, "ab") as f:
            f.write(data)
        s.sendto(("SIP/2.0 200 OK\r\n" + head_of(data) +
                  "Content-Length: 0\r\n\r\n").encode(), src)
    elif mode == "longline":
        try:
            c.sendall(("SIP/2.0 200 OK\r\n" + head_of(data) + "X-Long: " +
                       "x" * (1 << 20) + "\r\n\r\n").encode())
        except OSError:
            pass
        held.append(c)
    elif mode == "hugecl":
        c.sendall(("SIP/2.0 200 OK\r\n" + head_of(data) +
                   "Content-Length: 999999999\r\n\r\n0123456789").encode())
        held.append(c)
for c in held:
    c.close()
