#!/usr/bin/env bash
# `make bench` (after `make setup build`): every figure side by side with the peers, printed as
# one markdown table and written to test-output/bench.md (raw samples in test-output/bench/raw/).
#
# Figures run in PASSES passes of ROUNDS interleaved rounds each (native Rust, oss2, the Node
# sign/parse/end-to-end benches take turns pass by pass), then cold starts and sizes.
# BENCH_PASSES=3 BENCH_ROUNDS=7 by default; the whole run takes a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

PASSES=${BENCH_PASSES:-3}
ROUNDS=${BENCH_ROUNDS:-7}
COLD=${BENCH_COLD_SAMPLES:-15}
OUT=test-output/bench
RAW=$OUT/raw
PY=.venv/bin/python

log() { echo "bench: $*" >&2; }

# --- prerequisites
for f in pkg/node/index.mjs pkg/node/wasm.cjs pkg/web/index.js pkg/web/oss_replication_bg.wasm; do
  [ -f "$f" ] || { log "$f is missing: run \`make build\` first"; exit 1; }
done
[ -x "$PY" ] && "$PY" -c 'import oss2' 2>/dev/null || { log "no oss2 in $PY: run \`make setup-python\`"; exit 1; }

# npm peers, pinned in bench/package-lock.json; reinstalled only when the lock file changed.
if ! cmp -s bench/package-lock.json bench/node_modules/.bench-lock 2>/dev/null; then
  log "installing the npm peers (npm ci --prefix bench)"
  npm ci --prefix bench --no-audit --no-fund >&2
  cp bench/package-lock.json bench/node_modules/.bench-lock
fi

# Headless Chromium for the browser cold start (the same package `make setup-apt` installs).
if ! command -v chromium >/dev/null; then
  log "installing chromium (apt)"
  { apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; } >&2 || true
fi

log "building the native anchor (cargo build --release --example bench_native)"
cargo build --release --example bench_native --quiet >&2
NATIVE=target/release/examples/bench_native

rm -rf "$RAW" "$OUT/pkg"
mkdir -p "$RAW"

# Snapshot the package: every figure measures the same build even if pkg/ is rebuilt meanwhile.
# A wasm caught mid-write (wasm-bindgen, then wasm-opt rewrite it) fails validation: retry.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  rm -rf "$OUT/pkg"
  cp -r pkg "$OUT/pkg"
  if node -e 'const fs = require("fs"); for (const f of process.argv.slice(1))
      if (!WebAssembly.validate(fs.readFileSync(f))) process.exit(1)' \
      "$OUT/pkg/web/oss_replication_bg.wasm"; then
    break
  fi
  [ "$attempt" = 10 ] && { log "pkg/ has an invalid wasm (a build in progress?)"; exit 1; }
  sleep 3
done
export BENCH_PKG_DIR="$PWD/$OUT/pkg"
node -e 'const [commit, dirty] = process.argv.slice(1); console.log(JSON.stringify({ commit, dirty: dirty !== "0",
  node: process.version, cpus: require("os").cpus().length, date: new Date().toISOString() }))' \
  "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null | wc -l)" >"$RAW/meta.json"

# --- interleaved passes
for p in $(seq 1 "$PASSES"); do
  log "pass $p/$PASSES: native, oss2, sign, parse, end to end, sign in a fetch loop"
  "$NATIVE" "$ROUNDS" >"$RAW/native-$p.json"
  "$PY" bench/sign_oss2.py "$ROUNDS" >"$RAW/oss2-$p.json"
  node bench/sign.mjs "$ROUNDS" "$RAW/oss2-$p.json" "$RAW/native-$p.json" >"$RAW/sign-$p.json"
  node bench/parse.mjs "$ROUNDS" >"$RAW/parse-$p.json"
  node bench/e2e.mjs "$ROUNDS" 100 >"$RAW/e2e-$p.json"
  node bench/sign-in-loop.mjs "$ROUNDS" 100 >"$RAW/signloop-$p.json"
done

log "cold start: Node ($COLD fresh processes each)"
node bench/cold-node.mjs "$COLD" >"$RAW/cold-node.json"
if command -v chromium >/dev/null; then
  log "cold start: headless Chromium ($COLD fresh contexts each)"
  node bench/cold-browser.mjs "$COLD" >"$RAW/cold-browser.json"
else
  log "no chromium: the browser cold start is skipped"
  echo '{"skipped":"chromium could not be installed"}' >"$RAW/cold-browser.json"
fi

log "sizes"
node bench/size.mjs >"$RAW/sizes.json"

log "diffReplication over ${BENCH_DIFF_OBJECTS:-100000} objects per side vs oss2 and plain JS"; cargo build --release -p oss-emulator --quiet >&2 && OSS_EMULATOR_BIN=target/release/oss-emulator node bench/diff.mjs "${BENCH_DIFF_OBJECTS:-100000}" >test-output/bench-diff.md 2>"$RAW/diff.log" && cat test-output/bench-diff.md >&2
node bench/report.mjs "$RAW" >test-output/bench.md
cat test-output/bench.md
