# otherport-uas.py PORTFILE: a UAS on 127.0.0.1 that takes requests on one
# UDP port and answers each with 200 from another (RFC 3261 18.1.2: a
# client takes a response whatever port it came from), for
# tests/sip-send.bats.  PORTFILE gets "LISTEN ANSWER".  Gives up after 10 s.
import re, socket, sys, time

portfile = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
out.bind(("127.0.0.1", 0))
open(portfile, "w").write("%d %d\n" % (s.getsockname()[1],
                                        out.getsockname()[1]))
s.settimeout(0.2)
end = time.time() + 10
while time.time() < end:
    try:
        data, src = s.recvfrom(65535)
    except socket.timeout:
        continue
    head = data.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    if head[0].startswith("ACK "):
        continue
    keep = [l for l in head[1:]
            if re.match(r"(?i)(via|from|to|call-id|cseq):", l)]
    out.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
                "\r\nContent-Length: 0\r\n\r\n").encode(), src)
