"""Independent recurrence rules: python-dateutil expands each `DTSTART<TAB>RRULE` line of stdin
(floating wall times) and prints the first N starts (argument 1), comma-separated, one line each."""
import sys
from datetime import datetime

from dateutil.rrule import rrulestr

limit = int(sys.argv[1])
for line in sys.stdin.read().splitlines():
    start, rule = line.split("\t")
    times = rrulestr(rule, dtstart=datetime.strptime(start, "%Y%m%dT%H%M%S"))
    print(",".join(t.strftime("%Y-%m-%dT%H:%M:%S") for _, t in zip(range(limit), times)))
