#!/usr/bin/env python3
"""A tip line posting to `drillbook serve`, as an outside client would: python's hmac and urllib,
no Drillbook code. Good, bad signature, replayed, duplicate, malformed and unknown-school reports;
then the CLI lists exactly one incident, opened with the report's metadata.

Usage: intake.py DRILLBOOK_BINARY LOG_FOLDER
"""
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request

from district import District


def post(base, secret, body, source="safe-lakeside", timestamp=None, signature=None):
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + data, hashlib.sha256).hexdigest()
    request = urllib.request.Request(base + "/api/v1/intake", data=data, method="POST", headers={
        "Content-Type": "application/json", "X-Drillbook-Source": source, "X-Drillbook-Timestamp": stamp,
        "X-Drillbook-Signature": signature or "sha256=" + digest})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def main():
    binary, logs = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(logs, exist_ok=True)
    district = District(binary, os.path.join(logs, "intake-server.log"))
    secret = district.run("intake", "source", "add", "safe-lakeside").split()[-1]
    report = {"type": "social-media-threat", "school": "lincoln-hs", "channel": "instagram",
              "text": "a post about the school", "source": "Safe Lakeside app", "external_id": "SL-42",
              "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600))}
    with district.serving():
        status, answer = post(district.base, secret, report)
        assert status == 201, (status, answer)
        incident = answer["incident"]
        assert post(district.base, secret, report) == (200, {"incident": incident}), "a retry is the same incident"
        refused = [
            (post(district.base, "not the secret", dict(report, external_id="SL-43")), 401),
            (post(district.base, secret, dict(report, external_id="SL-44"), timestamp=int(time.time()) - 3600), 401),
            (post(district.base, secret, b"{not json"), 400),
            (post(district.base, secret, {"type": "tip", "text": "no school, no id"}), 400),
            (post(district.base, secret, dict(report, school="nowhere", external_id="SL-45")), 422),
            (post(district.base, secret, dict(report, external_id="SL-46"), source="someone-else"), 401),
        ]
        for (status, answer), expected in refused:
            assert status == expected, (status, expected, answer)
        missing = refused[3][0][1]["errors"]
        assert set(missing) == {"school", "external_id"}, missing
        listed = district.run("incident", "list")
        assert listed.count(incident) == 1 and len(listed.strip().splitlines()) == 1, listed
        report_text = district.run("incident", "report", incident)
        assert "Received from safe-lakeside via instagram (external id SL-42" in report_text, report_text
        assert "a post about the school" not in report_text, "the tip's text stays in the incident file"
    print(f"intake test passed: incident {incident}")


if __name__ == "__main__":
    main()
