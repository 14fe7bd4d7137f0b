#!/usr/bin/env bash
# start-store.sh: builds what is missing or stale, then starts the store with its embedded defaults (SQLite in
# ./data, the sample catalogue, the built web files) together with the two sandboxes it works with:
#   the payment processor sandbox (test mode) on 127.0.0.1:8081 and the eSIM partner sandbox on 127.0.0.1:8082
# (JUPITER_PROCESSOR_PORT / JUPITER_PARTNER_PORT pick others). The webhook secret and the processor API key are
# created once in data/ and handed to all three. Extra arguments go to jupiter-server, e.g. --port 9000.
# One Ctrl-C stops all three. Run ./emsdk-setup.sh once before (the README's start command does both).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NODE_PATH=/usr/share/nodejs
cmake --preset native >/dev/null
cmake --build --preset native --target jupiter-server jupiter-processor-sandbox jupiter-partner-sandbox >/dev/null
emcmake cmake --preset web >/dev/null && cmake --build --preset web --target site >/dev/null

mkdir -p data
secret() {  # secret FILE: the file's first line, created with 32 random bytes (hex) when missing
  [ -s "$1" ] || (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$1" && echo >>"$1")
  head -n1 "$1"
}
webhook_secret=$(secret data/webhook-secret)
api_key=$(secret data/processor-api-key)
bin=build/native/src

pids=()
stop_all() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all INT TERM EXIT
"$bin/sandbox/jupiter-processor-sandbox" --port "${JUPITER_PROCESSOR_PORT:-8081}" --api-key "$api_key" \
  --webhook-secret "$webhook_secret" &
pids+=($!)
"$bin/sandbox/jupiter-partner-sandbox" --port "${JUPITER_PARTNER_PORT:-8082}" &
pids+=($!)
"$bin/server/jupiter-server" --data data --web build/web/site --catalogue assets/catalogue.json \
  --processor-url "http://127.0.0.1:${JUPITER_PROCESSOR_PORT:-8081}" \
  --partner-url "http://127.0.0.1:${JUPITER_PARTNER_PORT:-8082}" "$@" &
pids+=($!)
wait -n "${pids[@]}"  # the first one to exit (a Ctrl-C, or a failure to start) stops the others
