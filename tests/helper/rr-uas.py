# rr-uas.py MODE PORTFILE LOG: a UAS on 127.0.0.1 UDP whose 200 to an
# INVITE makes no dialog, for tests/sip-send.bats (RFC 3261 13.2.2.4: it
# must still be ACKed).  MODE many: 33 Record-Route values; badrr: a
# Record-Route that does not parse; badcontact: a Contact that does not.
# Every request is logged as "METHOD CSEQ-NUMBER TO-TAG"; BYE gets 200.
# Gives up after 10 s.
import re, socket, sys, time

mode, portfile, log = sys.argv[1], sys.argv[2], open(sys.argv[3], "w")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
open(portfile, "w").write("%d\n" % port)
s.settimeout(0.2)
end = time.time() + 10
extra = {
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
    try:
        data, src = s.recvfrom(65535)
    except socket.timeout:
        continue
    head = data.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    method = head[0].split(" ")[0]
    to = next((l for l in head[1:] if re.match(r"(?i)to:", l)), "")
    m = re.search(r";tag=([^;>\s]+)", to)
    cs = next((l.split(":", 1)[1].split()[0] for l in head[1:]
               if re.match(r"(?i)cseq:", l)), "-")
    log.write("%s %s %s\n" % (method, cs, m.group(1) if m else "-"))
    log.flush()
    if method == "INVITE":
        s.sendto(answer(head, 200, extra), src)
    elif method == "BYE":
        s.sendto(answer(head, 200, ""), src)
