#!/usr/bin/env python3
"""oracle.py CAPTURE [tshark args...]: tshark's view of the SIP messages in
CAPTURE, one line per message: frame, Call-ID, CSeq number, CSeq method,
method, status, tab-separated -- the same columns as
  sip-parse -f frame.number,call-id,cseq.num,cseq.method,method,status
Messages tshark marks as continuations (no start line) are left out."""
import json
import subprocess
import sys

KEYS = ("sip.Call-ID", "sip.CSeq.seq", "sip.CSeq.method", "sip.Method",
        "sip.Status-Code")


def find(node, key):
    if isinstance(node, dict):
        if key in node:
            v = node[key]
            return v[0] if isinstance(v, list) else v
        for v in node.values():
            r = find(v, key)
            if r is not None:
                return r
    elif isinstance(node, list):
        for v in node:
            r = find(v, key)
            if r is not None:
                return r
    return None


def main():
    cmd = ["tshark", "-n", "-r", sys.argv[1], "-Y", "sip", "-T", "json",
           "-J", "frame sip"] + sys.argv[2:]
    out = subprocess.run(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=True).stdout
    for pkt in json.loads(out or b"[]"):
        layers = pkt["_source"]["layers"]
        frame = find(layers.get("frame", {}), "frame.number")
        sips = layers.get("sip")
        if isinstance(sips, dict):
            sips = [sips]
        for s in sips or []:
            row = [find(s, k) or "" for k in KEYS]
            if not row[3] and not row[4]:
                continue        # "Continuation": not a message
            print("\t".join([frame] + row))


main()
