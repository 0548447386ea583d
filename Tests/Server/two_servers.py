#!/usr/bin/env python3
"""Two `drillbook serve` on one PostgreSQL database (DRILLBOOK_DB and DRILLBOOK_INCIDENTS_DB must
name it), driven at once, one killed mid-run, as a state-wide service runs them behind a load
balancer that retries on the other.

Reports of threats arrive signed through both servers (some twice, through both at once), drills
are recorded through the API of both (some items through both at once), and each report's first
step is late on arrival, so both servers' incident checks race to text the step's owner. Half-way
one server is killed (SIGKILL); what it did not answer is sent again to the other. Then: every
report opened exactly one incident, every answered drill record is stored once and no item twice,
every late step was texted exactly once (a claim the killed server held is taken over when its
lease lapses), no server answered 5xx, and both audit chains verify.

Usage: two_servers.py DRILLBOOK_BINARY LOG_FOLDER
"""
import collections
import concurrent.futures
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from district import District, free_port

TEXTS = []
TEXTS_LOCK = threading.Lock()
REPORTS = 24
PHONE = "+15125550142"


class Gateway(BaseHTTPRequestHandler):
    """A Twilio-shaped SMS gateway that counts what it is sent."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        with TEXTS_LOCK:
            TEXTS.append(urllib.parse.parse_qs(body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


def call(request):
    """(status, body) of a request; (None, error) when the server did not answer at all."""
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return None, str(error)


def main():
    binary, logs = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(logs, exist_ok=True)
    for name in ("DRILLBOOK_DB", "DRILLBOOK_INCIDENTS_DB"):
        assert os.environ.get(name, "").startswith("postgres"), f"{name} must name a PostgreSQL database"
    gateway = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    district = District(binary, os.path.join(logs, "two-servers-a.log"))
    plan = os.path.join(district.folder, "drillbook.yaml")
    text = open(plan).read().replace(
        "principal: {name: Sam Lee, email: slee@lakeside.example}",
        f'principal: {{name: Sam Lee, email: slee@lakeside.example, phone: "{PHONE}"}}')
    assert PHONE in text, "the example's principal line changed"
    with open(plan, "w") as out:
        out.write(text + f"""alerts:
  mail: {{from: drillbook@lakeside.example, sendmail: "cat >> /dev/null"}}
  sms: {{url: "http://127.0.0.1:{gateway.server_port}/sms", fields: {{From: "+15125550100"}}}}
""")
    secret = district.run("intake", "source", "add", "safe-lakeside").split()[-1]
    key = district.run("apikey", "create", "--role", "district-admin", "--label", "load").split()[-1]
    district.env["DRILLBOOK_INCIDENT_CHECK_SECONDS"] = "1"
    district.env["DRILLBOOK_ALERT_LEASE_SECONDS"] = "5"

    bases = {}
    servers = {}
    for name in ("a", "b"):
        port = free_port()
        bases[name] = f"http://127.0.0.1:{port}"
        servers[name] = subprocess.Popen(
            [district.binary, "serve", "--listen", f"127.0.0.1:{port}"], cwd=district.folder, env=district.env,
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(logs, f"two-servers-{name}.log"), "w"))
    try:
        for name, base in bases.items():
            for _ in range(200):
                if call(base + "/healthz")[0] == 200:
                    break
                assert servers[name].poll() is None, f"server {name} exited; see its log"
                time.sleep(0.1)
        run(district, bases, servers, secret, key)
    finally:
        for server in servers.values():
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=10)


def run(district, bases, servers, secret, key):
    def report(number, base):
        body = json.dumps({
            "type": "social-media-threat", "school": "lincoln-hs",
            "channel": "instagram", "text": f"post {number} naming the school", "source": "Safe Lakeside app",
            "external_id": f"SL-{number}", "reporter": "a parent",
            # Reported 11 minutes ago: its first step (due at 10 minutes) is late on arrival.
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 660))}).encode()
        stamp = str(int(time.time()))
        signature = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        return call(urllib.request.Request(base + "/api/v1/intake", data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Drillbook-Source": "safe-lakeside",
            "X-Drillbook-Timestamp": stamp, "X-Drillbook-Signature": "sha256=" + signature}))

    auth = {"Authorization": "Bearer " + key}
    status, body = call(urllib.request.Request(bases["a"] + "/api/v1/items", headers=auth))
    assert status == 200, (status, body)
    drills = [item for item in json.loads(body)["items"]
              if "/fire-drill-" in item["id"] and item["date"] < "2027-10-15"]
    assert len(drills) >= 6, drills

    def record(item, base):
        school, name = item["id"].split("/")
        body = json.dumps({"started_at": item["date"] + "T10:00", "evidence": {
            "conducted_by": "Ana Ruiz", "notification_method": "fire alarm", "head_count": "640",
            "problems": "none", "time_to_evacuate": "4m"}}).encode()
        return call(urllib.request.Request(
            f"{base}/api/v1/items/{school}/{name}/completions", data=body, method="POST",
            headers=dict(auth, **{"Content-Type": "application/json"})))

    # Work for both servers: each report once, every third one through both at once; each drill
    # through both at once.
    work = []
    for number in range(REPORTS):
        work.append(("report", number, "a" if number % 2 else "b"))
        if number % 3 == 0:
            work.append(("report", number, "b" if number % 2 else "a"))
    for item in drills:
        work += [("record", item, "a"), ("record", item, "b")]
    answers = []
    answers_lock = threading.Lock()
    by = collections.Counter()
    killed = threading.Event()

    def send(task):
        kind, what, server = task
        if killed.is_set() and server == "a":
            server = "b"
        status, body = (report if kind == "report" else record)(what, bases[server])
        answered = server
        if status is None:
            # The balancer's retry: the other server.
            assert server == "a" and killed.is_set(), (task, body)
            status, body = (report if kind == "report" else record)(what, bases["b"])
            answered = "b (retried)"
        with answers_lock:
            answers.append((kind, what, status, body))
            by[answered] += 1

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(send, task) for task in work[: len(work) // 2]]
        # Killed while requests are in flight.
        while by["a"] + by["b"] < 4:
            time.sleep(0.01)
        servers["a"].send_signal(signal.SIGKILL)
        killed.set()
        futures += [pool.submit(send, task) for task in work[len(work) // 2:]]
        for future in futures:
            future.result()
    servers["a"].wait(timeout=10)
    assert by["a"] > 0, by

    assert not [a for a in answers if a[2] is None or a[2] >= 500], [a for a in answers if a[2] is None or a[2] >= 500]
    opened = collections.defaultdict(set)
    for kind, what, status, body in answers:
        if kind == "report":
            assert status in (200, 201), (what, status, body)
            opened[what].add(json.loads(body)["incident"])
    assert len(opened) == REPORTS and all(len(ids) == 1 for ids in opened.values()), opened
    incidents = {ids.pop() for ids in opened.values()}
    assert len(incidents) == REPORTS, "one incident per report, none shared"
    recorded = collections.Counter(what["id"] for kind, what, status, _ in answers if kind == "record" and status == 201)
    refused = [(what["id"], status) for kind, what, status, _ in answers if kind == "record" and status != 201]
    # Never two records of one item; a refusal is "already done". (An item may have no 201 when the
    # killed server stored it and died before answering: the retry then hears 409. Every item is
    # checked in the store below.)
    assert all(count == 1 for count in recorded.values()), recorded
    assert all(status == 409 for _, status in refused), refused

    # Every late first step texted to its owner exactly once: wait for all, then a little longer
    # for any second copy.
    deadline = time.time() + 90
    while time.time() < deadline:
        with TEXTS_LOCK:
            texted = {incident for incident in incidents for fields in TEXTS
                      if fields.get("To") == [PHONE] and incident in fields.get("Body", [""])[0]}
        if texted == incidents:
            break
        time.sleep(0.5)
    assert texted == incidents, f"not texted: {sorted(incidents - texted)}"
    time.sleep(4)
    with TEXTS_LOCK:
        per = collections.Counter((tuple(fields.get("To", [])), incident) for fields in TEXTS
                                  for incident in incidents if incident in fields.get("Body", [""])[0])
    assert all(count == 1 for count in per.values()), [entry for entry, count in per.items() if count > 1]

    # Every answered record is stored, once; both chains hold.
    env = dict(district.env)
    for item in drills:
        history = subprocess.run([district.binary, "history", item["id"]], cwd=district.folder, env=env,
                                 capture_output=True, text=True, check=True).stdout
        assert history.count(", recorded by ") == 1, history
    servers["b"].terminate()
    servers["b"].wait(timeout=10)
    verify = subprocess.run([district.binary, "audit", "verify"], cwd=district.folder, env=env,
                            capture_output=True, text=True)
    assert verify.returncode == 0 and "incidents audit log intact" in verify.stdout, (verify.stdout, verify.stderr)
    print(f"two-server test passed: {REPORTS} reports, {len(drills)} drills and {len(per)} texts through two "
          f"servers, one killed mid-run (answered: {dict(by)}); each once; {verify.stdout.splitlines()[0]}")


if __name__ == "__main__":
    main()
