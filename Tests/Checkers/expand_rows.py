"""Independent expansion of a real client's file: `recurring_ical_events` (on python-dateutil and
x-wr-timezone) lists every occurrence of the .ics on stdin between two dates given as arguments,
one `start<TAB>end<TAB>summary` per line, sorted: UTC for timed events (`2027-09-01T14:00:00Z`),
wall time for floating ones, the date for all-day ones.

Python reads the file after the byte-level repairs every reader needs (a UTF-8 byte-order mark
dropped, lines ending in CR alone ended with CRLF), and takes the events of every top-level
component (feeds joined into one file), as Drillbook does; everything else is its own reading."""
import re
import sys
from datetime import date, datetime, timezone

import icalendar
import recurring_ical_events

data = sys.stdin.buffer.read()
if data.startswith(b"\xef\xbb\xbf"):
    data = data[3:]
data = re.sub(rb"\r(?!\n)", b"\r\n", data)
first, last = (date.fromisoformat(a) for a in sys.argv[1:3])

merged = icalendar.Calendar()
for top in icalendar.Component.from_ical(data, multiple=True):
    if top.name == "VCALENDAR":
        for key, value in top.items():
            if key not in merged:
                merged[key] = value
        for sub in top.subcomponents:
            merged.add_component(sub)
    else:
        merged.add_component(top)


def shown(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M:%S")
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


rows = []
for event in recurring_ical_events.of(merged).between(first, last):
    start = event["DTSTART"].dt
    end = event["DTEND"].dt if "DTEND" in event else start + event["DURATION"].dt if "DURATION" in event else start
    rows.append(f"{shown(start)}\t{shown(end)}\t{event.get('SUMMARY', '')}")
print("\n".join(sorted(rows)))
