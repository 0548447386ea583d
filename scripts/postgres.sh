#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `scripts/postgres.sh start` makes one in a temporary
# folder (initdb, trust on loopback only, no fsync), listening on 127.0.0.1 at a free port, and
# prints its server URL (also kept in .build/postgres-url); `scripts/postgres.sh stop` stops it and
# removes the folder. `scripts/postgres.sh run COMMAND...` runs the command with the cluster up and
# DRILLBOOK_TEST_POSTGRES set to its URL, then stops it; without PostgreSQL installed it runs the
# command alone (SQLite only) and says so, except under CI, where that is an error. Inside,
# `scripts/postgres.sh fresh` makes a new empty database and prints its URL. The server offers TLS
# with a certificate for 127.0.0.1; DRILLBOOK_TEST_POSTGRES_CA names the folder holding its
# authority (ca.pem) and one that signed nothing (other-ca.pem).
#
# Uses Debian's PostgreSQL 15 and openssl (apt-get install postgresql-15 openssl). initdb refuses
# to run as root, so as root the cluster belongs to the `postgres` user the package creates.
set -euo pipefail
cd "$(dirname "$0")/.."

state=.build/postgres-cluster
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    [ -n "$bin" ] || { echo "postgres.sh: no PostgreSQL in /usr/lib/postgresql (apt-get install postgresql-15)" >&2; exit 1; }
    if [ -f "$state" ] && as_owner "$bin/pg_ctl" -D "$(cat "$state")/data" status >/dev/null 2>&1; then
        cat .build/postgres-url
        exit 0
    fi
    mkdir -p .build
    folder=$(mktemp -d /tmp/drillbook-postgres.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$folder"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" --no-sync -D "$folder/data" -U drillbook -A trust >"$folder/initdb.log" 2>&1 \
        || { cat "$folder/initdb.log" >&2; exit 1; }
    # TLS with a certificate for 127.0.0.1 signed by a throwaway authority (ca.pem), and a second
    # authority that signed nothing (other-ca.pem), for the tests of sslmode.
    (
        cd "$folder"
        subject() { openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" "${@:2}" 2>/dev/null; }
        subject "Drillbook test CA" -x509 -days 2 -keyout ca.key -out ca.pem
        subject "Another CA" -x509 -days 2 -keyout other-ca.key -out other-ca.pem
        subject localhost -keyout server.key -out server.csr
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
            -extfile server.ext -out server.pem 2>/dev/null
        chmod 600 server.key
        [ "$(id -u)" = 0 ] && chown postgres server.key server.pem
    )
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $folder -c fsync=off -c synchronous_commit=off -c max_connections=200 -c ssl=on -c ssl_cert_file=$folder/server.pem -c ssl_key_file=$folder/server.key" \
        start >/dev/null || { cat "$folder/server.log" >&2; exit 1; }
    echo "$folder" >"$state"
    echo "postgres://drillbook@127.0.0.1:$port/postgres" | tee .build/postgres-url
    ;;
stop)
    [ -f "$state" ] || exit 0
    folder=$(cat "$state")
    as_owner "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$folder" "$state" .build/postgres-url
    ;;
fresh)
    # A new, empty database in the running cluster (DRILLBOOK_TEST_POSTGRES): its URL.
    server=${DRILLBOOK_TEST_POSTGRES:?postgres.sh fresh: no cluster (run it under postgres.sh run)}
    name="drillbook_$(date +%s)_$RANDOM"
    # Text sorted by ICU's English rules, as many servers are set up, not bytewise as in SQLite.
    psql "$server" -qc "CREATE DATABASE $name TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en'" >/dev/null
    echo "${server%/*}/$name"
    ;;
run)
    shift
    if [ -z "$bin" ]; then
        if [ "${CI:-}" = true ]; then
            echo "postgres.sh: CI needs PostgreSQL (apt-get install postgresql-15)" >&2
            exit 1
        fi
        echo "postgres.sh: no PostgreSQL installed: the stores are tested on SQLite only" >&2
        exec "$@"
    fi
    url=$("$0" start)
    trap '"$0" stop' EXIT
    DRILLBOOK_TEST_POSTGRES="$url" DRILLBOOK_TEST_POSTGRES_CA="$(cat "$state")" "$@"
    ;;
*)
    echo "usage: scripts/postgres.sh start|stop|fresh|run COMMAND..." >&2
    exit 2
    ;;
esac
