#!/usr/bin/env bash
# scripts/fuzz.sh SECONDS TARGET...: runs each cargo-fuzz target for SECONDS,
# seeded from fuzz/corpus/TARGET (read only), and prints executions per target.
# Any crash fails the run; libFuzzer leaves the input in fuzz/artifacts/TARGET.
set -euo pipefail
seconds=$1
shift
cd "$(dirname "$0")/../fuzz"
mkdir -p ../test-output
for t in "$@"; do
  work=../target/fuzz-corpus/$t
  mkdir -p "$work"
  log=../test-output/fuzz-$t.log
  if ! cargo "+${NIGHTLY:-nightly}" fuzz run "$t" "$work" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=8192 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $t failed: see $log and fuzz/artifacts/$t"
    exit 1
  fi
  runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1)
  echo "fuzz $t: ${runs:-no summary} in ${seconds}s, corpus $(ls "$work" | wc -l) inputs"
done
