#!/usr/bin/env python3
"""Fixed vectors for the hash chain of EVENTS.md, computed without any of the project's code.

Standard library only: a small RFC 8785 (JCS) canonicaliser written here from the RFC, and hashlib's
SHA-256. Prints the vectors as JSON; src/core/event-store/chain.unit.spec.ts holds them literally.
Run: python3 test/oracle/chain-vectors.py
"""
import hashlib
import json
import math

GENESIS = "0" * 64


def jcs_string(s: str) -> str:
    # RFC 8785 3.2.2.2: '"' and '\' escaped; U+0000..U+001F as \b \t \n \f \r or \u00xx (lower-case hex);
    # everything else, non-ASCII included (U+2028, U+2029, DEL, emoji), as is.
    short = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
    out = []
    for ch in s:
        c = ord(ch)
        if c in short:
            out.append(short[c])
        elif c < 0x20:
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def jcs_number(n) -> str:
    # RFC 8785 3.2.2.3 (ECMAScript Number serialisation): only the cases these vectors use.
    if isinstance(n, bool):
        raise TypeError
    if isinstance(n, int):
        assert abs(n) < 2**53
        return str(n)
    assert math.isfinite(n)
    if n.is_integer() and abs(n) < 1e21:
        return str(int(n))
    r = repr(n)  # shortest round-trip digits, as ECMAScript's
    assert "e" not in r and 1e-6 <= abs(n) < 1e21, r
    return r


def utf16_units(key: str):
    return [int.from_bytes(key.encode("utf-16-be")[i:i + 2], "big") for i in range(0, len(key.encode("utf-16-be")), 2)]


def jcs(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return jcs_number(v)
    if isinstance(v, str):
        return jcs_string(v)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    if isinstance(v, dict):
        # RFC 8785 3.2.3: members sorted by their names as arrays of UTF-16 code units.
        keys = sorted(v.keys(), key=utf16_units)
        return "{" + ",".join(jcs_string(k) + ":" + jcs(v[k]) for k in keys) + "}"
    raise TypeError(type(v))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The RFC's own sorting example (3.2.3), to check the canonicaliser on it.
rfc_sort = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}
assert jcs(rfc_sort) == ('{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",'
                         '"\u20ac":"Euro Sign","\U0001f600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}')
# Cross-check of the string escaping against the standard library's encoder (same rules when ensure_ascii is off).
probe = 'a"b\\c\b\f\n\r\t\u0000\u001f\u007f\u2028\u2029\U0001f54a\ufe0f «»“”'
assert jcs_string(probe) == json.dumps(probe, ensure_ascii=False), (jcs_string(probe), json.dumps(probe, ensure_ascii=False))

INCIDENT = "kz-2022-vectors"
RECORDED_AT = "2024-03-01T12:00:00.000Z"

# What the write side hands the store (incidentId, schemaVersion, occurredAt, occurredPrecision, location?,
# source, reportedAt, data), with the store's id, type, revision, recordedAt and prevHash added.
events = [
    {
        "id": "0b0c1d2e-0000-4000-8000-000000000001",
        "type": "CasualtiesReported",
        "body": {
            "incidentId": INCIDENT,
            "schemaVersion": 1,
            "occurredAt": "2022-01-05T18:00:00.000Z",
            "occurredPrecision": "day",
            "location": {"name": "Алматы", "lat": 43.2389, "lon": 76.8897, "precision": "city"},
            "source": {
                "sourceId": "tengrinews-2022-01-06",
                "quote": "«Погибли 8 сотрудников» — сообщили в МВД",
                "attributedTo": "Министерство внутренних дел",
            },
            "reportedAt": "2022-01-06T03:15:00.000Z",
            "data": {"category": "killed", "group": "security_forces", "scope": "Almaty",
                     "figure": {"best": 8, "qualifier": "exact", "text": "восемь"}},
        },
    },
    {
        "id": "0b0c1d2e-0000-4000-8000-000000000002",
        "type": "StatementMade",
        "body": {
            "incidentId": INCIDENT,
            "schemaVersion": 1,
            "occurredAt": "2022-01-07T04:00:00.000Z",
            "occurredPrecision": "exact",
            "source": {"sourceId": "akorda-2022-01-07", "quote": "“Constitutional order has largely been restored” 🕊️",
                       "attributedTo": "President’s office"},
            "reportedAt": "2022-01-07T05:30:00.000Z",
            "data": {"speaker": "Kassym-Jomart Tokayev",
                     "summary": "Line one\nline two\t\"quoted\" \\ back\u2028sep\u001f end 🇰🇿"},
        },
    },
    {
        "id": "0b0c1d2e-0000-4000-8000-000000000003",
        "type": "TroopsDeployed",
        "body": {
            "incidentId": INCIDENT,
            "schemaVersion": 1,
            "occurredAt": "2022-01-07T00:00:00.000Z",
            "occurredPrecision": "day",
            "location": {"name": "Нур-Султан", "precision": "city"},
            "source": {"sourceId": "csto-2022-01-08", "attributedTo": "ОДКБ"},
            "reportedAt": "2022-01-08T09:00:00.000Z",
            "data": {"contributor": "Россия", "force": "CSTO peacekeeping force", "status": "deployed",
                     "strength": {"best": 2030, "low": 2000, "high": 2500, "qualifier": "approximately", "text": "≈2 030"}},
        },
    },
    {
        "id": "0b0c1d2e-0000-4000-8000-000000000004",
        "type": "ClaimCorrected",
        "body": {
            "incidentId": INCIDENT,
            "schemaVersion": 1,
            "occurredAt": "2022-01-09T00:00:00.000Z",
            "occurredPrecision": "day",
            "source": {"sourceId": "tengrinews-2022-01-09"},
            "reportedAt": "2022-01-09T10:00:00.000Z",
            "data": {"eventId": "0b0c1d2e-0000-4000-8000-000000000001",
                     "figure": {"best": 18, "qualifier": "at_least"}, "data": {"scope": "Алматы"}},
        },
    },
]

prev = GENESIS
vectors = []
for revision, e in enumerate(events):
    stored = dict(e["body"], id=e["id"], type=e["type"], revision=revision, recordedAt=RECORDED_AT, prevHash=prev)
    text = jcs(stored)
    digest = sha256(text)
    vectors.append({"id": e["id"], "type": e["type"], "body": e["body"], "stored": stored, "canonical": text, "hash": digest})
    prev = digest

keys = {"b": 1, "a": {"z": [1, "x", None, True, False], "é": 0.5, "\U0001f600": "grin", "\ufb00": "ff", "Z": -3}, "": ""}
print(json.dumps({"recordedAt": RECORDED_AT, "rfcSort": {"input": rfc_sort, "canonical": jcs(rfc_sort)},
                  "keys": {"input": keys, "canonical": jcs(keys), "hash": sha256(jcs(keys))},
                  "chain": vectors}, ensure_ascii=False, indent=2))
