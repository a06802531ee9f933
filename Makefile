# oss-replication: see README.md. Every target is idempotent.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p}' Cargo.lock)
CASES ?= 1200
# A pinned nightly for two things stable cannot do: cargo-fuzz (sanitizers) and
# the package's release build with std rebuilt for panic=immediate-abort (about
# 12 KB less gzip: no panic formatting or location strings in the wasm).
NIGHTLY := nightly-2026-05-20
SEED ?= $(shell date +%s)

.PHONY: setup-nightly setup-toolchain
.PHONY: help setup setup-rust setup-python setup-node setup-apt build test test-toolchains test-native test-differential test-pkg test-wasm test-examples test-emulator test-reliability test-runtimes test-e2e test-size test-fuzz setup-fuzz fuzz demo bench lint FORCE

help:
	@echo "make setup   install everything (idempotent)"
	@echo "make build   build the npm package into pkg/"
	@echo "make test    run every test layer"
	@echo "make demo    start the emulator and the admin page"
	@echo "make bench   benchmarks side by side with the peers"

setup: setup-rust setup-python setup-node setup-apt setup-fuzz

setup-node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The stable toolchain rust-toolchain.toml pins, with its components: installed explicitly
# because rustup may be set not to auto-install (RUSTUP_AUTO_INSTALL=0); a no-op when present.
STABLE := $(shell sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)

setup-toolchain:
	@installed=$$(rustup component list --toolchain $(STABLE) --installed 2>/dev/null); \
	for c in rustfmt clippy rust-std-wasm32-unknown-unknown; do echo "$$installed" | grep -q "^$$c" || missing=1; done; \
	if [ -n "$${missing:-}" ]; then rustup toolchain install $(STABLE) --profile minimal \
	  --component rustfmt --component clippy --target wasm32-unknown-unknown; fi

setup-rust: setup-toolchain
	rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  cargo install wasm-bindgen-cli --version "=$(WASM_BINDGEN_VERSION)" --locked \
	  || cargo install wasm-bindgen-cli --version "=$(WASM_BINDGEN_VERSION)"; \
	fi

setup-python: $(VENV)/.installed

$(VENV)/.installed: tests/refgen/requirements.txt
	[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r tests/refgen/requirements.txt
	touch $@

setup-apt:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  apt-get install -y chromium chromium-driver || { apt-get update && apt-get install -y chromium chromium-driver; }; }

test: setup lint test-native test-differential test-pkg test-wasm test-examples test-emulator test-reliability test-runtimes test-toolchains test-e2e test-size test-fuzz

EMULATOR := target/debug/oss-emulator
WASM_TEST := cargo test --target wasm32-unknown-unknown -p oss-replication

$(EMULATOR): FORCE
	cargo build -p oss-emulator

# wasm-bindgen-test suites: the facade in Node and in headless Chromium (cross-origin, CORS), against the emulator.
test-wasm: setup setup-apt $(EMULATOR)
	scripts/with-emulator.sh bash -c 'OSS_TEST_SOURCE=src-node $(WASM_TEST) --test wasm_node && \
	  OSS_TEST_SOURCE=src-browser CHROMEDRIVER=/usr/bin/chromedriver $(WASM_TEST) --test wasm_browser'

# The examples as users run them: the Node CLI, and the Worker in real workerd.
test-examples: build $(EMULATOR)
	scripts/with-emulator.sh node --test tests/examples/

# Reliability: fault injection, kill -9 persistence and load against the emulator (Node, the package).
test-reliability: build $(EMULATOR)
	scripts/with-emulator.sh node --test --test-concurrency=1 tests/reliability/

# Import-and-call smoke tests in Deno and Bun (both from npm).
test-runtimes: setup-node build $(EMULATOR)
	scripts/with-emulator.sh bash -c 'node_modules/.bin/deno run --allow-read --allow-net=127.0.0.1 --allow-env tests/runtimes/smoke.mjs && \
	  node_modules/.bin/bun tests/runtimes/smoke.mjs'

# The packed tarball (npm pack pkg) installed into fresh projects, one per consumer toolchain
# (Vite 8/6, webpack, esbuild, Rollup, bun build, Jest, Vitest, TypeScript 5.9/7, wrangler, Deno,
# Bun, Node), pages in headless Chromium, all six methods against the emulator; publint and attw.
# Tool versions: tests/toolchains/package-lock.json. Prints a table with each bundle's gzip size.
test-toolchains: setup setup-apt build $(EMULATOR)
	scripts/with-emulator.sh node tests/toolchains/run.mjs

# oss-emulator: Rust integration tests and the official Python SDKs (oss2, alibabacloud-oss-v2) as clients.
test-emulator: setup-python
	bash scripts/test-emulator.sh

# The admin page in headless Chromium (Playwright) against the emulator; screenshots in test-output/.
test-e2e: setup setup-apt build $(EMULATOR)
	node tests/e2e/run.mjs

# Fails when what a page downloads outgrows its budget in bench/size-budget.json: the main entry and
# oss-replication/web, each as esbuild bundles it for the browser (minified, gzip -9; /web plus its wasm).
test-size: build
	node bench/size-budget.mjs

FUZZ_TARGETS := parse_responses endpoint v4_canonical rule_validation xml_differential sign_url client_options json_writer sts_answer xml_roundtrip body_limit
FUZZ_SECONDS ?= 120

setup-nightly:
	rustup toolchain list | grep -q '^$(NIGHTLY)' || \
	  rustup toolchain install $(NIGHTLY) --profile minimal --component rust-src --target wasm32-unknown-unknown

setup-fuzz: setup-nightly
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked || cargo install cargo-fuzz

# libFuzzer on every parser and canonicaliser; the committed seeds in fuzz/corpus are read,
# new inputs go to target/fuzz-corpus. Prints executions per target.
fuzz: setup-fuzz
	NIGHTLY=$(NIGHTLY) bash scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The short form inside make test.
test-fuzz: setup-fuzz
	NIGHTLY=$(NIGHTLY) bash scripts/fuzz.sh 15 $(FUZZ_TARGETS)

# Local emulator + admin page; prints the URL.
demo: setup-rust setup-node build
	bash scripts/demo.sh

# Benchmarks side by side with the peers (ali-oss, aws4fetch, xml2js, fast-xml-parser, oss2, native Rust).
bench: setup build
	bash bench/run.sh

FORCE:

WASM_RELEASE := target/wasm-release/wasm32-unknown-unknown/release/oss_replication.wasm
WASM_RUSTFLAGS := -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none

# The npm package: release build (pinned nightly, std rebuilt without panic machinery),
# wasm-bindgen for the web and Node, npm binaryen's wasm-opt (in a private staging folder, so
# tests running meanwhile never see a half-built pkg/), then scripts/build-pkg.mjs: short wasm
# import/export names and minified glue (scripts/shrink-glue.mjs; fails naming what changed if
# wasm-bindgen's glue layout does), the loading variants (wasm embedded for bundlers and runtimes that cannot find a separate file,
# imported as a module in Workers, a separate file for webpack) and the CommonJS declarations.
build: setup-rust setup-nightly setup-node
	RUSTFLAGS="$(WASM_RUSTFLAGS)" cargo +$(NIGHTLY) build --release --target wasm32-unknown-unknown \
	  -p oss-replication --target-dir target/wasm-release -Z build-std=std,panic_abort
	stage=target/pkg-build.$$$$; rm -rf $$stage; \
	wasm-bindgen --target web --no-typescript --out-dir $$stage/web $(WASM_RELEASE) && \
	wasm-bindgen --target nodejs --no-typescript --out-dir $$stage/node $(WASM_RELEASE) && \
	node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --strip-target-features \
	  $$stage/web/oss_replication_bg.wasm -o $$stage/web/oss_replication_bg.wasm && \
	node scripts/build-pkg.mjs $$stage --install pkg; status=$$?; rm -rf $$stage; exit $$status
	@ls -l pkg/web/oss_replication_bg.wasm pkg/web/oss_replication.js | awk '{print $$5, $$9}'

# The package as users get it: Node API tests, TypeScript declarations, npm pack + install in a clean folder.
test-pkg: build
	node --test tests/pkg/
	node_modules/.bin/tsc -p tests/pkg/tsconfig.json
	bash tests/pkg/pack-install.sh

test-native:
	cargo test -p oss-replication

# Re-runs oss2 and alibabacloud-oss-v2 on fresh random cases and checks the library against them.
test-differential: setup-python
	mkdir -p target
	$(PY) tests/refgen/gen_cases.py --count $(CASES) --seed $(SEED) --out target/differential-fresh.json
	DIFFERENTIAL_CASES=target/differential-fresh.json OUR_BODIES_OUT=target/our-put-bodies.json \
	  cargo test --test differential -- --nocapture
	$(PY) tests/refgen/check_bodies.py target/our-put-bodies.json

# The MSRV claimed by Cargo.toml's rust-version, as a rustup toolchain name (1.85 -> 1.85.0).
MSRV := $(shell sed -n 's/^rust-version = "\([0-9]*\.[0-9]*\)"$$/\1.0/p; s/^rust-version = "\([0-9]*\.[0-9]*\.[0-9]*\)"$$/\1/p' Cargo.toml)

# fmt and clippy -D warnings on everything: the workspace (library + emulator) native,
# the library for wasm32, and the fuzz crate (its own workspace); then the library
# (all targets, native and wasm32) on the declared rust-version.
lint: setup-toolchain
	cargo fmt --all -- --check
	cargo fmt --manifest-path fuzz/Cargo.toml --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown -p oss-replication --all-targets -- -D warnings
	cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings
	rustup toolchain list | grep -q '^$(MSRV)-' || rustup toolchain install $(MSRV) --profile minimal
	rustup target list --toolchain $(MSRV) --installed | grep -q wasm32-unknown-unknown || \
	  rustup target add --toolchain $(MSRV) wasm32-unknown-unknown
	cargo +$(MSRV) check -p oss-replication --all-targets
	cargo +$(MSRV) check -p oss-replication --lib --target wasm32-unknown-unknown
