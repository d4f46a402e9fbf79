# hold-uas.py PORTFILE HOLD SECONDS: a UDP peer on 127.0.0.1 that answers
# no request until HOLD different ones are waiting, then answers those and
# every later one at once with 200 OK.  Its port goes to PORTFILE; it
# prints "held N, then M more in 0.3 s" when it opens the gate, and stops
# after SECONDS.  For tests/sip-send.bats: a client that does not keep
# HOLD requests in flight gets no answer from it.
import os, re, socket, sys, time

portfile, hold, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(portfile + ".tmp", portfile)

def answer(data, src):
    head = data.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    keep = []
    for l in head[1:]:
        if re.match(r"(?i)(to|t):", l) and ";tag=" not in l:
            l += ";tag=hold"
        if re.match(r"(?i)(via|v|from|f|to|t|call-id|i|cseq):", l):
            keep.append(l)
    s.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) +
              "\r\nContent-Length: 0\r\n\r\n").encode(), src)

def branch(data):
    m = re.search(rb"branch=([^;\r\n ,]+)", data)
    return m.group(1) if m else data

held, done, gate_open = {}, set(), False
end = time.monotonic() + secs
while time.monotonic() < end:
    s.settimeout(max(0.01, end - time.monotonic()))
    try:
        data, src = s.recvfrom(65535)
    except socket.timeout:
        break
    b = branch(data)
    if gate_open or b in done:
        answer(data, src)
        done.add(b)
        continue
    held[b] = (data, src)
    if len(held) < hold:
        continue
    # as many as asked for: would the client send more unanswered ones?
    extra, until = 0, time.monotonic() + 0.3
    try:
        while time.monotonic() < until:
            s.settimeout(max(0.01, until - time.monotonic()))
            data, src = s.recvfrom(65535)
            if branch(data) not in held:
                extra += 1
                held[branch(data)] = (data, src)
    except socket.timeout:
        pass
    print("held %d, then %d more in 0.3 s" % (hold, extra), flush=True)
    gate_open = True
    for b, (data, src) in held.items():
        answer(data, src)
        done.add(b)
