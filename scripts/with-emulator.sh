#!/usr/bin/env bash
# Runs a command beside a fresh in-memory oss-emulator on a free loopback port.
# Exports OSS_TEST_ENDPOINT, OSS_TEST_AK and OSS_TEST_SK for the command.
# Buckets: one source per test layer (src-node, src-browser, src-worker, src-cli,
# src-page, src-rel, src-load, src-tool) so layers never see each other's rules, and destinations in other regions.
set -euo pipefail
bin=${OSS_EMULATOR_BIN:-target/debug/oss-emulator}
export OSS_TEST_AK=LTAI5tTestAccessKeyId OSS_TEST_SK=TestAccessKeySecret0123456789
log=$(mktemp)
"$bin" --listen 127.0.0.1:0 --access-key-id "$OSS_TEST_AK" --access-key-secret "$OSS_TEST_SK" \
  --status-delay-ms 300 --sts-lifetime 900 \
  --bucket src-node:oss-cn-hangzhou --bucket src-browser:oss-cn-hangzhou --bucket src-worker:oss-cn-hangzhou \
  --bucket src-cli:oss-cn-hangzhou --bucket src-page:oss-cn-hangzhou --bucket src-rel:oss-cn-hangzhou \
  --bucket src-load:oss-cn-hangzhou --bucket src-tool:oss-cn-hangzhou \
  --bucket dst-beijing:oss-cn-beijing --bucket dst-shanghai:oss-cn-shanghai --bucket dst-hongkong:oss-cn-hongkong \
  >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 200); do
  grep -q 'listening on' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "oss-emulator exited"; exit 1; }
  sleep 0.05
done
OSS_TEST_ENDPOINT=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1)
[ -n "$OSS_TEST_ENDPOINT" ] || { cat "$log"; echo "oss-emulator did not start"; exit 1; }
export OSS_TEST_ENDPOINT
"$@"
