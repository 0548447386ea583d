"""Independent reader: python's `icalendar` parses an .ics from stdin and prints, per VEVENT,
UID, SUMMARY and the instants of DTSTART and DTEND (UTC for timed events, the date for all-day),
tab-separated, so Swift tests can compare them with what Drillbook meant to write."""
import sys
from datetime import datetime, timezone

import icalendar


def instant(value):
    if value is None:
        return "-"
    dt = value.dt
    if isinstance(dt, datetime):
        if dt.tzinfo is None:
            return "floating " + dt.strftime("%Y-%m-%dT%H:%M:%S")
        return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.isoformat()


calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
for event in calendar.walk("VEVENT"):
    print("\t".join([str(event.get("UID")), str(event.get("SUMMARY")), instant(event.get("DTSTART")), instant(event.get("DTEND"))]))
