#!/usr/bin/env bash
# tests/run-all.sh: builds everything and runs every test: the layer check on includes (tests/check-layers.sh), core
# unit tests (native and as WebAssembly under Node), the consent module's own WebAssembly build against bad input
# (Node), backend API tests over real HTTP (on SQLite and on a throwaway PostgreSQL), a real Prometheus scrape of
# /metrics, unit and API tests again built with AddressSanitizer + UBSan (preset native-asan), every parser under
# libFuzzer for a short bounded time (tests/fuzz/run.sh --ci), and end-to-end tests in headless Chromium against the
# real backend.
# Run ./emsdk-setup.sh once before (the README's test command does both).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NODE_PATH=/usr/share/nodejs   # acorn for Emscripten 3.1.6's JS optimizer (Debian)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
passed=0; failed=0; failed_names=()
run() {  # run NAME CMD...: counts suites, keeps going so one failure does not hide others
  local name="$1"; shift
  step "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_names+=("$name"); echo "!! $name FAILED"; fi
}

step "native build (core, backend, unit and API tests)"
cmake --preset native >/dev/null
cmake --build --preset native
step "native build with AddressSanitizer + UBSan (build/native-asan: unit and API tests, asserts on)"
cmake --preset native-asan >/dev/null
cmake --build --preset native-asan --target unit_tests api_tests
step "web build (store module, wasm unit tests)"
emcmake cmake --preset web >/dev/null
cmake --build --preset web

run "layers: every include in src/ stays inside its layer" tests/check-layers.sh
run "function length: no function over 60 lines in src/" tests/check-function-length.sh
run "unit tests, native" ctest --preset native -V --no-tests=error -R '^unit_tests$'
run "unit tests, WebAssembly under Node" ctest --preset web -V --no-tests=error -R '^unit_tests_wasm$'
run "consent module (WebAssembly) with bad input, under Node" ctest --preset web -V --no-tests=error -R '^consent_module_wasm$'
run "API tests against the real backend" ctest --preset native -V --no-tests=error -R '^api_tests$'
run "API tests against PostgreSQL (a throwaway PG 15 cluster, removed after)" tests/pg/cluster.sh run build/native/tests/api/api_tests
run "metrics: Debian's Prometheus scrapes the server's /metrics (free ports, removed after)" tests/metrics/scrape.sh build/native
run "unit tests under ASan + UBSan" ctest --preset native-asan -V --no-tests=error -R '^unit_tests$'
run "API tests under ASan + UBSan (server and sandboxes instrumented too)" ctest --preset native-asan -V --no-tests=error -R '^api_tests$'
run "parsers under libFuzzer with ASan + UBSan (each target 15 s)" tests/fuzz/run.sh --ci
run "end-to-end tests in headless Chromium" bash -c 'cd tests && npx --no-install playwright test -c e2e/playwright.config.mjs'

echo
echo "suites: $passed passed, $failed failed"
for name in "${failed_names[@]}"; do echo "  failed: $name"; done   # the last lines name them, however long the log
[ "$failed" -eq 0 ]
