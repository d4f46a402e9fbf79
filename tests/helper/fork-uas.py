# fork-uas.py PORTFILE LOG: a forking proxy and its two phones in one UDP
# socket on 127.0.0.1, for tests/sip-send.bats.  An INVITE gets 180 and
# 200 from fork "fa", then 200 from fork "fb" (RFC 3261 13.2.2.4: two
# 2xx).  Before answering the BYE of fork "fa" it sends fa's 200 again, a
# retransmission the client must ACK again (RFC 6026).  Every request
# received is logged as "METHOD TOTAG"; every BYE gets 200.  Gives up
# after 10 s.
import re, socket, sys, time

portfile, log = sys.argv[1], open(sys.argv[2], "w")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
open(portfile, "w").write("%d\n" % port)
s.settimeout(0.2)
end = time.time() + 10
ok200 = {}


def answer(head, code, tag):
    keep = [l for l in head[1:]
            if re.match(r"(?i)(via|from|call-id|cseq):", l)]
    to = next(l for l in head[1:] if re.match(r"(?i)to:", l))
    if tag and ";tag=" not in to:
        to += ";tag=" + tag
    return ("SIP/2.0 %d %s\r\n" % (code, "OK" if code == 200 else "Ringing") +
            "\r\n".join(keep) + "\r\n" + to + "\r\n" +
            "Contact: <sip:%s@127.0.0.1:%d>\r\n" % (tag or "x", port) +
            "Content-Length: 0\r\n\r\n").encode()


while time.time() < end:
    try:
        data, src = s.recvfrom(65535)
    except socket.timeout:
        continue
    head = data.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    method = head[0].split(" ")[0]
    to = next((l for l in head[1:] if re.match(r"(?i)to:", l)), "")
    m = re.search(r";tag=([^;>\s]+)", to)
    tag = m.group(1) if m else "-"
    log.write("%s %s\n" % (method, tag))
    log.flush()
    if method == "INVITE":
        s.sendto(answer(head, 180, "fa"), src)
        for t in ("fa", "fb"):
            ok200[t] = answer(head, 200, t)
            s.sendto(ok200[t], src)
    elif method == "BYE":
        if tag == "fa":
            s.sendto(ok200["fa"], src)	# the 200 again: ACK it again
            time.sleep(0.3)
        s.sendto(answer(head, 200, None), src)
