#!/usr/bin/env python3
"""Re-verifies an export of the CommandCenter audit ledger without the hub or its database.

    cc audit export --output ledger.jsonl
    python3 verify_audit.py ledger.jsonl [--anchor SEQ:HASH ...]

Recomputes every entry's hash from its fields (format cc-audit-v1: SHA-256 over the netstrings of
the format tag, sequence, entry id, time, project, actor, action, subject, detail, hub id and the
previous hash), checks each entry's link to the one before and that no sequence number is missing,
and checks anchors kept elsewhere. Exit 0 when intact, 1 naming the first entry that is not, 2 on
bad input. Python's standard library only.
"""
import hashlib
import json
import sys

FORMAT = "cc-audit-v1"
GENESIS = "0" * 64
FIELDS = ("entryId", "time", "project", "actor", "action", "subject", "detailJson", "hubId", "previousHash")


def netstring(value):
    data = value.encode("utf-8")
    return str(len(data)).encode("ascii") + b":" + data + b","


def entry_hash(entry):
    values = [FORMAT, str(entry["sequence"])] + [entry[name] for name in FIELDS]
    return hashlib.sha256(b"".join(netstring(v) for v in values)).hexdigest()


def verify(lines, anchors):
    """(entries checked, last sequence, last hash, problem or None)"""
    previous, expected = GENESIS, 1
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as e:
            return expected - 1, expected - 1, previous, "line %d is not JSON: %s" % (number, e)
        sequence = entry["sequence"]
        if sequence != expected:
            return expected - 1, expected - 1, previous, "entry %d is missing (the next is %d)" % (expected, sequence)
        if entry["previousHash"] != previous:
            return expected - 1, expected - 1, previous, "entry %d: LINK_BROKEN: it links to %s, entry %d has %s" % (
                sequence, entry["previousHash"], sequence - 1, previous)
        recomputed = entry_hash(entry)
        if recomputed != entry["hash"]:
            return expected - 1, expected - 1, previous, "entry %d: HASH_MISMATCH: its fields hash to %s, it says %s" % (
                sequence, recomputed, entry["hash"])
        if anchors.get(sequence, entry["hash"]) != entry["hash"]:
            return expected - 1, expected - 1, previous, "entry %d: ANCHOR_MISMATCH: %s was kept for it, it has %s" % (
                sequence, anchors[sequence], entry["hash"])
        previous, expected = entry["hash"], expected + 1
    beyond = sorted(s for s in anchors if s >= expected)
    if beyond:
        return expected - 1, expected - 1, previous, "entry %d: ANCHOR_MISMATCH: anchored, but the export ends at %d" % (
            beyond[0], expected - 1)
    return expected - 1, expected - 1, previous, None


def main(argv):
    if len(argv) < 2:
        print("usage: verify_audit.py EXPORT.jsonl [--anchor SEQ:HASH ...]", file=sys.stderr)
        return 2
    anchors = {}
    args = argv[2:]
    while args:
        if args[0] != "--anchor" or len(args) < 2 or ":" not in args[1]:
            print("expected --anchor SEQ:HASH, got %r" % " ".join(args), file=sys.stderr)
            return 2
        sequence, digest = args[1].split(":", 1)
        anchors[int(sequence)] = digest
        args = args[2:]
    with open(argv[1], encoding="utf-8") as f:
        checked, last, head, problem = verify(f, anchors)
    if problem:
        print("NOT INTACT: %s (%d entries before it check out)" % (problem, checked))
        return 1
    print("intact: %d entries, head %d %s" % (checked, last, head))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
