#!/usr/bin/env bash
# Runs a command with TMPDIR set to a folder of its own, and removes the folder afterwards when the
# command succeeded: the tests make some two thousand districts, databases, sinks and browser
# profiles in TMPDIR, and a run of `swift test` left them there (hundreds of megabytes, in RAM when
# TMPDIR is /dev/shm) run after run. After a failure the folder stays, named on stderr, so the
# files a failing test names can still be read.
set -uo pipefail
dir=$(mktemp -d "${TMPDIR:-/tmp}/drillbook-tests.XXXXXX") || exit 1
TMPDIR=$dir "$@"
status=$?
if [ "$status" = 0 ]; then
    rm -rf "$dir"
else
    echo "scratch.sh: the tests' temporary files are kept in $dir" >&2
fi
exit "$status"
