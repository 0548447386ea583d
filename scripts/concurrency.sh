#!/usr/bin/env bash
# Concurrency trials, as real processes: TRIALS (default 20) of each race, counted.
#   - two `complete` runs of one item at once: exactly one records it
#   - one drill log imported by two runs at once: every row stored once
#   - INCIDENTS (default 40) `incident open` at once: all open, none "database is locked"
#   - two `overdue --notify` runs at once with a slow mailer: every alert sent once
# then `audit verify` must pass. Exits 1 on any double record, doubled import, lock failure or
# duplicate alert. `make concurrency`; CI runs a short version through ConcurrencyTests.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${DRILLBOOK_BIN:-$PWD/.build/debug/drillbook}"
trials="${TRIALS:-20}"
incidents="${INCIDENTS:-40}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" init --example --dir . >/dev/null
cat > mailer <<'MAIL'
#!/bin/sh
message=$(cat)
sleep 0.02
# One write per alert (O_APPEND, under PIPE_BUF): two mailers at once cannot interleave lines.
line=$(printf '%s\n' "$message" | grep -E '^(To|X-Drillbook-Item|Subject):' | tr '\n' ' ')
printf '%s\n' "$line" >> sent
MAIL
chmod +x mailer
printf 'alerts:\n  mail: {from: drillbook@lakeside.example, sendmail: "%s/mailer"}\n' "$work" >> drillbook.yaml
"$bin" schedule --as-of 2027-08-01 >/dev/null
failures=0
locked=0

# 1. complete races, one item per trial (items whose rules ask no evidence, so a bare `complete` records them).
items=($("$bin" list --school lincoln-hs --all --json --as-of 2027-08-01 | grep -o '"id" : "[^"]*"' | cut -d'"' -f4 \
    | grep -v drill | head -n "$trials"))
doubles=0
for item in "${items[@]}"; do
    "$bin" complete "$item" --as-of 2028-06-01 --as a >out.1 2>&1 & a=$!
    "$bin" complete "$item" --as-of 2028-06-01 --as b >out.2 2>&1 & b=$!
    ok=0
    wait $a && ok=$((ok + 1)) || true
    wait $b && ok=$((ok + 1)) || true
    grep -qi locked out.1 out.2 && locked=$((locked + 1))
    [ "$ok" -eq 1 ] || doubles=$((doubles + 1))
done
echo "complete: ${#items[@]} pairs, $doubles not recorded exactly once"
failures=$((failures + doubles))

# 2. the same log imported by two runs at once, TRIALS times (rows of distinct times each trial).
doubled=0
for trial in $(seq 1 "$trials"); do
    minute=$(printf '%02d' $((trial % 60)))
    printf 'school,kind,started_at\nridge-ms,lockdown,2027-09-%02d 10:%s\nridge-ms,fire,2027-09-%02d 11:%s\n' \
        $((trial % 28 + 1)) "$minute" $((trial % 28 + 1)) "$minute" > log.csv
    before=$("$bin" check --format csv --year 2027-2028 --as-of 2028-06-01 2>/dev/null | wc -l || true)
    "$bin" import-log log.csv --as-of 2028-06-01 >out.1 2>&1 & a=$!
    "$bin" import-log log.csv --as-of 2028-06-01 >out.2 2>&1 & b=$!
    wait $a || true
    wait $b || true
    grep -qi locked out.1 out.2 && locked=$((locked + 1))
    after=$("$bin" check --format csv --year 2027-2028 --as-of 2028-06-01 2>/dev/null | wc -l || true)
    [ $((after - before)) -le 2 ] || doubled=$((doubled + 1))
done
echo "import-log: $trials pairs, $doubled doubled"
failures=$((failures + doubled))

# 3. incidents opened at once.
pids=()
for i in $(seq 1 "$incidents"); do
    "$bin" incident open bomb-threat --school lincoln-hs --exercise --as "t$i" >"open.$i" 2>&1 & pids+=($!)
done
opened=0
for pid in "${pids[@]}"; do wait "$pid" && opened=$((opened + 1)) || true; done
grep -qil locked open.* && locked=$((locked + 1))
echo "incident open: $opened of $incidents opened"
[ "$opened" -eq "$incidents" ] || failures=$((failures + 1))

# 4. overlapping notify runs.
"$bin" overdue --notify --as-of 2027-11-15 --as cron >/dev/null 2>&1 & a=$!
"$bin" overdue --notify --as-of 2027-11-15 --as cron >/dev/null 2>&1 & b=$!
wait $a || true
wait $b || true
sent=$(wc -l < sent)
unique=$(sort -u sent | wc -l)
echo "overdue --notify: $sent alerts sent, $((sent - unique)) twice"
[ "$sent" -eq "$unique" ] || failures=$((failures + 1))

echo "database is locked: $locked"
failures=$((failures + locked))
"$bin" audit verify
[ "$failures" -eq 0 ]
