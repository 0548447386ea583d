# Sourced by the server benchmarks: `measure URL [wrk options]` prints wrk's requests per second and
# its p99 latency in milliseconds (2 threads, 50 connections, $duration seconds, on loopback).
measure() {
    local url=$1
    shift
    local out
    out=$(wrk -t2 -c50 -d"${duration}s" --latency "$@" "$url")
    local rps p99
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    p99=$(awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")
    echo "$rps $p99"
}
