# ring-uas.py PORTFILE LOG: a phone on 127.0.0.1 UDP that rings and never
# answers, for tests/sip-send.bats: an INVITE gets 180; a CANCEL gets 200
# and its INVITE 487 (RFC 3261 9.2).  Every request received is logged as
# "METHOD CSEQ".  Gives up after 20 s.
import re, socket, sys, time

portfile, log = sys.argv[1], open(sys.argv[2], "w")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(portfile, "w").write("%d\n" % s.getsockname()[1])
s.settimeout(0.2)
end = time.time() + 20
invites = {}    # Call-ID: (head, src)


def answer(head, code, reason, cseq=None):
    keep = [l for l in head[1:]
            if re.match(r"(?i)(via|from|call-id):", l)]
    to = next(l for l in head[1:] if re.match(r"(?i)to:", l))
    if ";tag=" not in to:
        to += ";tag=ring1"
    cs = cseq or next(l for l in head[1:] if re.match(r"(?i)cseq:", l))
    return ("SIP/2.0 %d %s\r\n" % (code, reason) + "\r\n".join(keep) +
            "\r\n" + to + "\r\n" + cs + "\r\nContent-Length: 0\r\n\r\n"
            ).encode()


while time.time() < end:
    try:
        data, src = s.recvfrom(65535)
    except socket.timeout:
        continue
    head = data.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    method = head[0].split(" ")[0]
    cid = next((l.split(":", 1)[1].strip() for l in head[1:]
                if re.match(r"(?i)call-id:", l)), "")
    cseq = next((l.split(":", 1)[1].strip() for l in head[1:]
                 if re.match(r"(?i)cseq:", l)), "")
    log.write("%s %s\n" % (method, cseq))
    log.flush()
    if method == "INVITE" and cid not in invites:
        s.sendto(answer(head, 180, "Ringing"), src)
        invites[cid] = (head, src)
    elif method == "CANCEL":
        s.sendto(answer(head, 200, "OK"), src)
        if cid in invites:
            ih, isrc = invites.pop(cid)
            s.sendto(answer(ih, 487, "Request Terminated"), isrc)
