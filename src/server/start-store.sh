#!/usr/bin/env bash
# start-store.sh: builds what is missing or stale (showing the build's progress), then starts the store with its
# embedded defaults (SQLite in ./data, the sample catalogue, the built web files) together with what it works with:
#   the payment processor sandbox (test mode)   127.0.0.1:8081  (JUPITER_PROCESSOR_PORT)
#   the eSIM partner sandbox                    127.0.0.1:8082  (JUPITER_PARTNER_PORT)
#   the demo partner page (a fake travel blog with the one-line embed, on its own origin)
#                                               127.0.0.1:8083  (JUPITER_DEMO_PORT), served by python3's http.server
#                                               from data/partner-demo/ (web/partner-demo/ with the store's address)
# The webhook secret and the processor API key are created once in data/ and handed to all of them; jupiter-server
# gets --demo-partner so that partner "demo" may frame the store on the demo page's origin. Extra arguments go to
# jupiter-server, e.g. --port 9000. One Ctrl-C stops everything. Run ./emsdk-setup.sh once before (the README's
# start command does both).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
processor_port=${JUPITER_PROCESSOR_PORT:-8081}
partner_port=${JUPITER_PARTNER_PORT:-8082}
demo_port=${JUPITER_DEMO_PORT:-8083}
store_port=8080
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do  # the store's port, when the arguments choose one
  case "${args[i]}" in
    --port) store_port=${args[i + 1]:-$store_port} ;;
    --port=*) store_port=${args[i]#--port=} ;;
  esac
done
store="http://127.0.0.1:$store_port"
demo="http://127.0.0.1:$demo_port"

. src/server/start-common.sh
build_store

mkdir -p data && chmod 700 data   # personal data and secrets: the server's user alone
secret data/webhook-secret >/dev/null   # the sandbox and the store read both files; no secret on a command line
secret data/processor-api-key >/dev/null
bin=build/native/src

# The demo partner page, with the store's address in its snippet.
rm -rf data/partner-demo
mkdir -p data/partner-demo
for f in web/partner-demo/*; do
  sed "s|{{STORE}}|$store|g" "$f" >"data/partner-demo/$(basename "$f")"
done

pids=()
stop_all() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all INT TERM EXIT
step "starting"
"$bin/sandbox/jupiter-processor-sandbox" --port "$processor_port" --api-key-file data/processor-api-key \
  --webhook-secret-file data/webhook-secret &
pids+=($!)
"$bin/sandbox/jupiter-partner-sandbox" --port "$partner_port" &
pids+=($!)
python3 -m http.server "$demo_port" --bind 127.0.0.1 --directory data/partner-demo >data/partner-demo.log 2>&1 &
pids+=($!)
"$bin/server/jupiter-server" --data data --web build/web/site --catalogue assets/catalogue.json \
  --processor-url "http://127.0.0.1:$processor_port" --partner-url "http://127.0.0.1:$partner_port" \
  --demo-partner "$demo" "$@" &
pids+=($!)
cat <<EOT

  store                  $store   (build/native/src/server/jupiter-server: data in ./data, SQLite
                         data/jupiter.sqlite3, web files from build/web/site, catalogue assets/catalogue.json)
  demo partner page      $demo   (python3 http.server on data/partner-demo/; its log: data/partner-demo.log)
  processor sandbox      http://127.0.0.1:$processor_port   (build/native/src/sandbox/jupiter-processor-sandbox,
                         test mode: card 4242 4242 4242 4242 pays)
  partner sandbox        http://127.0.0.1:$partner_port   (build/native/src/sandbox/jupiter-partner-sandbox: eSIM profiles)
  The processes log to this terminal. Ctrl-C stops them all.

EOT
wait -n "${pids[@]}"  # the first one to exit (a Ctrl-C, or a failure to start) stops the others
