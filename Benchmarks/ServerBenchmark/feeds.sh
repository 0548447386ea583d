#!/usr/bin/env bash
# The feed GET against nginx serving the same bytes as a static file, in one run: wrk on loopback,
# 50 connections, 2 threads, 10 s per case (SECONDS_PER_CASE). Prints requests per second, p99
# latency and the ratio to nginx for the 200 and the 304 path, and the server's peak memory.
# Needs Debian's nginx and wrk; run by `make bench-server`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/ServerBenchmark/wrk.sh

for tool in nginx wrk; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install nginx wrk" >&2; exit 1; }
done
duration=${SECONDS_PER_CASE:-10}
swift build -c release --product drillbook >/dev/null
binary="$(swift build -c release --show-bin-path)/drillbook"
work=$(mktemp -d)
server=""
web=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "$web" ] && kill "$web" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
drill_port=$(port)
nginx_port=$(port)

cd "$work"
export DRILLBOOK_NOW=2027-10-20
"$binary" init --example >/dev/null
printf 'server: {base_url: "http://127.0.0.1:%s"}\n' "$drill_port" >>drillbook.yaml
"$binary" schedule --as-of 2027-08-01 >/dev/null
feed=$("$binary" feed create --district --audience admin | sed -n 2p)
path="/feeds/${feed##*/feeds/}"
"$binary" serve --listen "127.0.0.1:$drill_port" 2>/dev/null &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$drill_port/healthz" >/dev/null && break; sleep 0.1; done

# nginx: the same bytes, from a file, with its own ETag.
mkdir -p static/feeds logs
curl -sf "http://127.0.0.1:$drill_port$path" -o "static$path"
cat >nginx.conf <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    types { text/calendar ics; }
    server { listen 127.0.0.1:$nginx_port; root $work/static; etag on; }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &
web=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port$path" >/dev/null && break; sleep 0.1; done

drill_etag=$(curl -sI "http://127.0.0.1:$drill_port$path" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
nginx_etag=$(curl -sI "http://127.0.0.1:$nginx_port$path" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
bytes=$(wc -c <"static$path")


read -r d200 d200p <<<"$(measure "http://127.0.0.1:$drill_port$path")"
read -r n200 n200p <<<"$(measure "http://127.0.0.1:$nginx_port$path")"
read -r d304 d304p <<<"$(measure "http://127.0.0.1:$drill_port$path" -H "If-None-Match: $drill_etag")"
read -r n304 n304p <<<"$(measure "http://127.0.0.1:$nginx_port$path" -H "If-None-Match: $nginx_etag")"
# The framework's own ceiling on this machine: a route that reads nothing and answers "ok".
read -r dok dokp <<<"$(measure "http://127.0.0.1:$drill_port/healthz")"
memory=$(awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$server/status")

printf '\nFeed GET, %s bytes (the example district, admin audience), wrk -t2 -c50 -d%ss on loopback\n\n' "$bytes" "$duration"
printf '| case | drillbook req/s | nginx req/s | ratio (target >= 0.50) | drillbook p99 ms (target < 20) | nginx p99 ms |\n'
printf '|---|---|---|---|---|---|\n'
python3 - "$d200" "$n200" "$d200p" "$n200p" "$d304" "$n304" "$d304p" "$n304p" "$dok" "$dokp" <<'EOF'
import sys
d200, n200, d200p, n200p, d304, n304, d304p, n304p, dok, dokp = map(float, sys.argv[1:])
print(f"| 200 | {d200:,.0f} | {n200:,.0f} | {d200 / n200:.2f} | {d200p:.2f} | {n200p:.2f} |")
print(f"| 304 | {d304:,.0f} | {n304:,.0f} | {d304 / n304:.2f} | {d304p:.2f} | {n304p:.2f} |")
print(f"| /healthz (no feed, for scale) | {dok:,.0f} | | {dok / n304:.2f} of nginx's 304 | {dokp:.2f} | |")
EOF
printf '\ndrillbook serve peak memory (VmHWM): %s MiB (target < 200)\n' "$memory"
