"""Independent expansion: `recurring_ical_events` (on python-dateutil) lists the occurrences of an
.ics from stdin between two dates given as arguments, one start per line in local wall time
(or the date for all-day events), sorted."""
import sys
from datetime import date, datetime

import icalendar
import recurring_ical_events

calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
first, last = (date.fromisoformat(a) for a in sys.argv[1:3])
starts = []
for event in recurring_ical_events.of(calendar).between(first, last):
    dt = event["DTSTART"].dt
    starts.append(dt.strftime("%Y-%m-%dT%H:%M:%S") if isinstance(dt, datetime) else dt.isoformat())
print("\n".join(sorted(starts)))
