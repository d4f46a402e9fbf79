# mcast-uas.py GROUP PORT: join GROUP on the loopback interface, answer
# the first SIP request with 200 OK (unicast, to its source) and report
# the TTL it arrived with in the Server header.  For tests/sip-send.bats,
# inside a network namespace of the test's own.
import re, socket, struct, sys

grp, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", port))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton(grp), socket.inet_aton("127.0.0.1")))
IP_RECVTTL = getattr(socket, "IP_RECVTTL", 12)	# Linux values
IP_TTL = getattr(socket, "IP_TTL", 2)
s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
print("ready", flush=True)
s.settimeout(10)
data, anc, _, src = s.recvmsg(65535, 64)
ttl = next((struct.unpack("i", d)[0] for lvl, typ, d in anc
            if lvl == socket.IPPROTO_IP and typ == IP_TTL), -1)
head = data.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
keep = [l for l in head[1:] if re.match(r"(?i)(via|from|to|call-id|cseq):", l)]
resp = ("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
        "\r\nServer: mcast-uas ttl=%d\r\nContent-Length: 0\r\n\r\n" % ttl)
s.sendto(resp.encode(), src)
