# rr-uas.py MODE PORTFILE LOG: a UAS on 127.0.0.1 UDP for
# tests/sip-send.bats.  Its 200 to an INVITE makes no dialog (RFC 3261
# 13.2.2.4: it must still be ACKed) in MODE many: 33 Record-Route values;
# badrr: a Record-Route that does not parse; badcontact: a Contact that
# does not.  In MODE loose, strict and named the 200 has a Record-Route
# to a second socket of this script (with ;lr, without: a strict router,
# and by the name localhost with ;lr), which is not where the INVITE
# went: the ACK and BYE must go there (12.2.1.1).  Every request is logged as "METHOD CSEQ-NUMBER TO-TAG",
# one that came to the second socket as "route METHOD CSEQ-NUMBER TO-TAG
# REQUEST-URI"; BYE gets 200 from either.  Gives up after 10 s.
import re, select, socket, sys, time

mode, portfile, log = sys.argv[1], sys.argv[2], open(sys.argv[3], "w")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
open(portfile, "w").write("%d\n" % port)
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("127.0.0.1", 0))
rport = r.getsockname()[1]
end = time.time() + 10
extra = {
    "loose": "Record-Route: <sip:127.0.0.1:%d;lr>\r\n" % rport +
             "Contact: <sip:bob@127.0.0.1:%d>\r\n" % port,
    "strict": "Record-Route: <sip:127.0.0.1:%d>\r\n" % rport +
              "Contact: <sip:bob@127.0.0.1:%d>\r\n" % port,
    "named": "Record-Route: <sip:localhost:%d;lr>\r\n" % rport +
             "Contact: <sip:bob@127.0.0.1:%d>\r\n" % port,
    "many": "".join("Record-Route: <sip:p%d.example.invalid;lr>\r\n" % i
                    for i in range(33)) +
            "Contact: <sip:bob@127.0.0.1:%d>\r\n" % port,
    "badrr": "Record-Route: <sip:p1.example.invalid;lr\r\n"
             "Contact: <sip:bob@127.0.0.1:%d>\r\n" % port,
    "badcontact": "Contact: <not a uri\r\n",
}[mode]


def answer(head, code, more):
    keep = [l for l in head[1:]
            if re.match(r"(?i)(via|from|call-id|cseq):", l)]
    to = next(l for l in head[1:] if re.match(r"(?i)to:", l))
    if ";tag=" not in to:
        to += ";tag=rr1"
    return ("SIP/2.0 %d OK\r\n" % code + "\r\n".join(keep) + "\r\n" + to +
            "\r\n" + more + "Content-Length: 0\r\n\r\n").encode()


while time.time() < end:
    ready = select.select([s, r], [], [], 0.2)[0]
    if not ready:
        continue
    sock = ready[0]
    data, src = sock.recvfrom(65535)
    head = data.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    method = head[0].split(" ")[0]
    to = next((l for l in head[1:] if re.match(r"(?i)to:", l)), "")
    m = re.search(r";tag=([^;>\s]+)", to)
    cs = next((l.split(":", 1)[1].split()[0] for l in head[1:]
               if re.match(r"(?i)cseq:", l)), "-")
    line = "%s %s %s" % (method, cs, m.group(1) if m else "-")
    if sock is r:
        line = "route %s %s" % (line, head[0].split(" ")[1])
    log.write(line + "\n")
    log.flush()
    if method == "INVITE":
        sock.sendto(answer(head, 200, extra), src)
    elif method == "BYE":
        sock.sendto(answer(head, 200, ""), src)
