#!/usr/bin/env bash
# start-store.sh: builds what is missing or stale, then starts the store with its embedded defaults
# (SQLite in ./data, the sample catalogue, the built web files). Extra arguments go to jupiter-server,
# e.g. --port 8080. Run ./emsdk-setup.sh once before (the README's start command does both).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export NODE_PATH=/usr/share/nodejs
cmake --preset native >/dev/null && cmake --build --preset native --target jupiter-server >/dev/null
emcmake cmake --preset web >/dev/null && cmake --build --preset web --target site >/dev/null
exec build/native/src/server/jupiter-server --data data --web build/web/site --catalogue assets/catalogue.json "$@"
