#!/usr/bin/env bash
# `make demo`: oss-emulator with the demo seed (six buckets in six regions, objects, one
# rule), serving the admin page (www/) and the npm package (pkg/) on a second loopback
# port. Prints the page URL; Ctrl-C stops everything.
#
# Environment (all optional):
#   OSS_EMULATOR_PORT      OSS endpoint port (default 9888)
#   WWW_PORT               admin page port (default 9889)
#   OSS_EMULATOR_PROFILE   cargo profile for the emulator: release (default) or debug
#   OSS_EMULATOR_DATA_DIR  keep state in this directory across runs (default: in memory)
#   OSS_EMULATOR_ARGS      extra emulator flags, e.g. "--seed-buckets 200 --sts-lifetime 300"
set -euo pipefail
cd "$(dirname "$0")/.."

oss_port=${OSS_EMULATOR_PORT:-9888}
www_port=${WWW_PORT:-9889}
profile=${OSS_EMULATOR_PROFILE:-release}

# The npm package: `make demo` builds it before calling this script (MAKELEVEL is set);
# run directly, build it when the Makefile can.
if [ -z "${MAKELEVEL:-}" ] && [ -f pkg/package.json ] && grep -q '^build:' Makefile; then
  make build
fi

case "$profile" in
  release) cargo build --release -p oss-emulator ;;
  debug) cargo build -p oss-emulator ;;
  *) echo "demo: OSS_EMULATOR_PROFILE must be release or debug" >&2; exit 2 ;;
esac
bin=target/$profile/oss-emulator

[ -d www ] || { echo "demo: www/ is missing" >&2; exit 1; }

args=(--listen "127.0.0.1:$oss_port" --seed demo --www www --www-listen "127.0.0.1:$www_port")
if [ -n "${OSS_EMULATOR_DATA_DIR:-}" ]; then
  args+=(--data-dir "$OSS_EMULATOR_DATA_DIR")
fi
# shellcheck disable=SC2206
extra=(${OSS_EMULATOR_ARGS:-})

log=$(mktemp)
"$bin" "${args[@]}" "${extra[@]}" >"$log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT
trap 'echo; echo "demo: stopping"; exit 0' INT TERM

for _ in $(seq 200); do
  grep -q 'serving www on' "$log" && break
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log" >&2
    echo "demo: oss-emulator exited (ports $oss_port/$www_port busy? set OSS_EMULATOR_PORT / WWW_PORT)" >&2
    exit 1
  fi
  sleep 0.05
done
cat "$log"
url=$(grep -o 'serving www on http://[^ ]*' "$log" | head -1 | cut -d' ' -f4)
[ -n "$url" ] || { echo "demo: the emulator did not start" >&2; exit 1; }
echo
echo "  Admin page:  $url"
echo "  (Ctrl-C stops the emulator and the page server)"
echo
# Keep showing what the emulator prints from now on.
tail -n +"$(($(wc -l <"$log") + 1))" -f "$log" --pid "$pid" &
wait "$pid"
