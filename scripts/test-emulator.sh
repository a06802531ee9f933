#!/usr/bin/env bash
# The oss-emulator test layer (part of `make test`): builds the emulator, runs its Rust
# integration tests (they start the real binary), then drives it with the official Python
# SDKs (oss2 and alibabacloud-oss-v2, from the .venv `make setup-python` creates).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

py=${PY:-.venv/bin/python}
if [ ! -x "$py" ]; then
  echo "test-emulator: no Python at $py; run 'make setup-python' first" >&2
  exit 1
fi

echo "== oss-emulator: build"
cargo build -p oss-emulator

echo "== oss-emulator: Rust unit and integration tests"
cargo test -p oss-emulator

echo "== oss-emulator: Python SDK tests (oss2, alibabacloud-oss-v2)"
OSS_EMULATOR_BIN=${OSS_EMULATOR_BIN:-$PWD/target/debug/oss-emulator} \
  "$py" -m unittest discover -s tests/emulator -t tests/emulator -v
