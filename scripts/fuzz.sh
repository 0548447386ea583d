#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Fuzz/) with AddressSanitizer and runs each for FUZZ_SECONDS
# (default 300) from its seed corpus in Fuzz/Corpus. Fails on any crash, memory error, leak or
# input that takes longer than 10 s; the input is kept under $FUZZ_OUT (default .build-fuzz/out)
# to become a regression file in Fuzz/Regressions/<harness>/. The seed corpora are not changed:
# what libFuzzer learns goes to a scratch corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-300}"
out="${FUZZ_OUT:-.build-fuzz/out}"
harnesses=(${FUZZ_HARNESSES:-calendar plan rules playbook drill-log report})
flags=(--scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
    -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)

for harness in "${harnesses[@]}"; do
    swift build "${flags[@]}" --product "fuzz-$harness" 2>&1 | grep -v "Cannot export local symbol" | tail -1
done
bin="$(swift build "${flags[@]}" --show-bin-path)"

# A trap is libFuzzer's to report, with the input that caused it: Swift's backtracer, under ASan,
# tripped ASan itself and hung (see the Makefile's asan target).
export SWIFT_BACKTRACE=enable=no
# libical keeps the zones it loads for the life of the process, on purpose.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0"
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(dirname "$(command -v swift)")/llvm-symbolizer}"
failed=()
for harness in "${harnesses[@]}"; do
    scratch="$out/$harness/corpus"
    mkdir -p "$scratch" "$out/$harness/artifacts"
    echo "fuzz-$harness: ${seconds} s"
    if ! "$bin/fuzz-$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$out/$harness/artifacts/" "$scratch" "Fuzz/Corpus/$harness" \
        >"$out/$harness/log" 2>&1; then
        failed+=("$harness")
        tail -40 "$out/$harness/log"
        ls "$out/$harness/artifacts/"
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$out/$harness/log" | tr '\n' ' '
        echo
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found failures in: ${failed[*]} (inputs under $out/<harness>/artifacts)"
    exit 1
fi
