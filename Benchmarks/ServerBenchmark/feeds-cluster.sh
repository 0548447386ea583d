#!/usr/bin/env bash
# A state's feeds: a district of SCHOOLS schools (default 10,000) with its schedule in PostgreSQL,
# two `drillbook serve` on that one database, nginx in front of both as an upstream (keepalive,
# as README's "State-wide deployment" sets it up), and wrk on loopback through nginx and against
# one server directly, in one run: requests per second, p99 latency and their ratio, for a school's
# staff feed (200) and its revalidation (304). 50 connections, 2 threads, SECONDS_PER_CASE (10) s.
# Needs Debian's nginx, wrk and PostgreSQL; run by `make bench-cluster` (inside scripts/postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/ServerBenchmark/wrk.sh

for tool in nginx wrk psql; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install nginx wrk postgresql" >&2; exit 1; }
done
[ -n "${DRILLBOOK_TEST_POSTGRES:-}" ] || { echo "run it under scripts/postgres.sh run" >&2; exit 1; }
duration=${SECONDS_PER_CASE:-10}
schools=${SCHOOLS:-10000}
swift build -c release --product drillbook >/dev/null
swift build -c release --product plan-benchmark >/dev/null
bin="$(swift build -c release --show-bin-path)"
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    [ -n "${folder:-}" ] && rm -rf "$folder"
    rm -rf "$work"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The district: plan-benchmark's N schools, scheduled into a new database (and a year's work on it).
url=$(scripts/postgres.sh fresh)
echo "scheduling $schools schools into PostgreSQL (plan-benchmark --keep)..." >&2
folder=$("$bin/plan-benchmark" --schools "$schools" --keep --db "$url" | sed -n 's/.* in \(\/[^,]*\), the schedule in .*/\1/p')
[ -d "$folder" ] || { echo "plan-benchmark left no district" >&2; exit 1; }
first=$(port)
second=$(port)
front=$(port)
printf 'server: {base_url: "http://127.0.0.1:%s"}\n' "$front" >>"$folder/drillbook.yaml"
export DRILLBOOK_DB="$url" DRILLBOOK_NOW=2027-10-20
feed=$("$bin/drillbook" feed create --plan "$folder/drillbook.yaml" --school school-42 --audience staff | sed -n 2p)
path="/feeds/${feed##*/feeds/}"
for listen in "$first" "$second"; do
    "$bin/drillbook" serve --plan "$folder/drillbook.yaml" --listen "127.0.0.1:$listen" 2>/dev/null &
    pids+=($!)
done
for listen in "$first" "$second"; do
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$listen/healthz" >/dev/null && break; sleep 0.1; done
done

mkdir -p "$work/logs"
cat >"$work/nginx.conf" <<EOF
worker_processes auto;   # as Debian's nginx.conf
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    upstream drillbook {
        server 127.0.0.1:$first max_fails=1 fail_timeout=5s;
        server 127.0.0.1:$second max_fails=1 fail_timeout=5s;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$front;
        location / {
            proxy_pass http://drillbook;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_next_upstream error timeout;
        }
    }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$front$path" >/dev/null && break; sleep 0.1; done
bytes=$(curl -sf "http://127.0.0.1:$front$path" | wc -c)
etag=$(curl -sI "http://127.0.0.1:$front$path" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')

read -r c200 c200p <<<"$(measure "http://127.0.0.1:$front$path")"
read -r o200 o200p <<<"$(measure "http://127.0.0.1:$first$path")"
read -r c304 c304p <<<"$(measure "http://127.0.0.1:$front$path" -H "If-None-Match: $etag")"
read -r o304 o304p <<<"$(measure "http://127.0.0.1:$first$path" -H "If-None-Match: $etag")"
memory=""
for pid in "${pids[@]:0:2}"; do memory+="$(awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$pid/status") MiB "; done

printf '\nA school'"'"'s staff feed (%s bytes) of a %s-school district in PostgreSQL, wrk -t2 -c50 -d%ss on loopback\n\n' \
    "$bytes" "$schools" "$duration"
printf '| case | two servers behind nginx req/s | one server direct req/s | ratio | nginx p99 ms (target < 30) | direct p99 ms |\n'
printf '|---|---|---|---|---|---|\n'
python3 - "$c200" "$o200" "$c200p" "$o200p" "$c304" "$o304" "$c304p" "$o304p" <<'EOF'
import sys
c200, o200, c200p, o200p, c304, o304, c304p, o304p = map(float, sys.argv[1:])
print(f"| 200 | {c200:,.0f} | {o200:,.0f} | {c200 / o200:.2f} | {c200p:.2f} | {o200p:.2f} |")
print(f"| 304 | {c304:,.0f} | {o304:,.0f} | {c304 / o304:.2f} | {c304p:.2f} | {o304p:.2f} |")
EOF
printf '\nservers'"'"' peak memory (VmHWM): %s\n' "$memory"
