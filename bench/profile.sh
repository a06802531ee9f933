#!/usr/bin/env bash
# Where the bytes and the microseconds go (for issue 6 item 3). After `make build`:
#   bash bench/profile.sh
# 1. builds a profiling copy of the package in target/bench-prof/ (`wasm-bindgen --keep-debug`,
#    `wasm-opt -Oz -g`: the shipped code with its function names; pkg/ is not touched);
# 2. twiggy top / by area on the browser wasm;
# 3. node --cpu-prof of signRequest v4/v1 and getBucketReplication (0 and 100 rules, memory
#    response), summarized by category (wasm by area, JS glue, builtins, GC) and top functions;
# 4. JS<->wasm boundary crossings per call.
# Output also in test-output/bench-profile/.
set -euo pipefail
cd "$(dirname "$0")/.."
# The module `make build` fed to wasm-bindgen (WASM_RELEASE in the Makefile; newest candidate wins).
WASM=$(sed -n 's/^WASM_RELEASE := //p' Makefile)
for w in target/*/wasm32-unknown-unknown/release/oss_replication.wasm target/wasm32-unknown-unknown/release/oss_replication.wasm; do
  [ -f "$w" ] && { [ ! -f "$WASM" ] || [ "$w" -nt "$WASM" ]; } && WASM=$w
done
P=target/bench-prof
OUT=test-output/bench-profile
TWIGGY=${TWIGGY:-$(command -v twiggy || echo "$HOME/.cargo/bin/twiggy")}
[ -f "$WASM" ] && [ -f pkg/node/index.mjs ] || { echo "profile: run \`make build\` first" >&2; exit 1; }
echo "profiling $WASM" >&2
rm -rf "$P" "$OUT"
mkdir -p "$P/node" "$P/web" "$OUT"
wasm-bindgen --keep-debug --target nodejs --no-typescript --out-dir "$P/node" "$WASM"
wasm-bindgen --keep-debug --target web --no-typescript --out-dir "$P/web" "$WASM"
for d in node web; do node_modules/.bin/wasm-opt -Oz -g "$P/$d/oss_replication_bg.wasm" -o "$P/$d/oss_replication_bg.wasm"; done
# The Node entry embeds the wasm (see scripts/build-pkg.mjs); --no-shrink keeps wasm-bindgen's
# import names and an unminified glue, so the profiles and the crossing counts below name them.
node scripts/build-pkg.mjs "$P" --no-shrink >&2
cp pkg/node/index.cjs pkg/node/index.mjs pkg/node/esm.cjs pkg/node/package.json "$P/node/"

{
  echo "## twiggy top (browser wasm with names; the names section is stripped when shipped)"
  if [ -x "$TWIGGY" ]; then
    "$TWIGGY" top -n 40 "$P/web/oss_replication_bg.wasm"
    "$TWIGGY" top -n 100000 -f json "$P/web/oss_replication_bg.wasm" >"$OUT/twiggy-top.json"
    node bench/prof/size-areas.mjs "$OUT/twiggy-top.json"
  else
    echo "(no twiggy: cargo install twiggy)"
  fi
  for loop in sign-v4 sign-v1 get-0 get-100; do
    n=50000; [ "$loop" = get-100 ] && n=1500
    echo
    echo "## cpu profile: $loop"
    BENCH_PKG="$P/node" node --cpu-prof --cpu-prof-dir="$OUT/cpu-$loop" --cpu-prof-interval 50 bench/prof/loops.mjs "$loop" "$n"
    node bench/prof/summarize.mjs "$OUT/cpu-$loop" 25
  done
  echo
  echo "## JS<->wasm crossings per call"
  BENCH_PKG="$P/node" node bench/prof/count-imports.mjs
} 2>&1 | tee "$OUT/profile.txt"
