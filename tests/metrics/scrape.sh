#!/usr/bin/env bash
# tests/metrics/scrape.sh [BUILD_DIR]: a real Prometheus (Debian's package) scrapes a real jupiter-server's /metrics
# with the admin token, on free loopback ports, and the result is checked through Prometheus's own HTTP API:
#   - the target is up and Prometheus found nothing wrong with the exposition (its parser is the strict one);
#   - the request counter it stored for /api/catalogue is at least the number of requests this script made;
#   - orders by state and the job queues are there (the empty store: 0 queued provisioning jobs).
# Prometheus runs as an unprivileged user (jupiter-prom, created when missing, when called as root) with its own
# copy of the token; both processes and the temp dir are removed at the end, also on failure or interrupt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD=${1:-build/native}
SERVER="$ROOT/$BUILD/src/server/jupiter-server"
PROM=${PROMETHEUS:-/usr/bin/prometheus}
PROM_USER=jupiter-prom
die() { echo "scrape.sh: $*" >&2; exit 1; }
[ -x "$SERVER" ] || die "no $SERVER (build the native preset)"
[ -x "$PROM" ] || die "no $PROM (apt-get install prometheus; ./emsdk-setup.sh installs it)"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
as_prom() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$PROM_USER" -- "$@"; else "$@"; fi; }

dir=$(mktemp -d /tmp/jupiter-scrape.XXXXXX)
server_pid="" prom_pid=""
cleanup() {
  [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# ---- the store ----------------------------------------------------------------------------------------------
port=$(free_port)
mkdir -p "$dir/data" "$dir/web"
echo "<!doctype html><title>store</title>" > "$dir/web/index.html"
"$SERVER" --host 127.0.0.1 --port "$port" --data "$dir/data" --web "$dir/web" \
  --catalogue "$ROOT/assets/catalogue.json" >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$dir/server.log" && break; sleep 0.1; done
grep -q "listening on" "$dir/server.log" || { cat "$dir/server.log" >&2; die "the server did not start"; }
requests=5
for _ in $(seq $requests); do curl -fsS -o /dev/null "http://127.0.0.1:$port/api/catalogue"; done

# ---- Prometheus -------------------------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ] && ! id "$PROM_USER" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$PROM_USER" || die "cannot create user $PROM_USER"
fi
mkdir -p "$dir/prom"
install -m 600 "$dir/data/admin-token" "$dir/prom/token"
cat > "$dir/prom/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: jupiter
    metrics_path: /metrics
    authorization:
      credentials_file: $dir/prom/token
    static_configs:
      - targets: ["127.0.0.1:$port"]
YML
[ "$(id -u)" -eq 0 ] && chown -R "$PROM_USER" "$dir/prom" && chmod 711 "$dir"
prom_port=$(free_port)
as_prom "$PROM" --config.file="$dir/prom/prometheus.yml" --storage.tsdb.path="$dir/prom/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$dir/prom.log" 2>&1 &
prom_pid=$!

api="http://127.0.0.1:$prom_port/api/v1"
query() { curl -fsS --get "$api/query" --data-urlencode "query=$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "none")'; }
up=none
for _ in $(seq 150); do
  up=$(query 'up{job="jupiter"}' 2>/dev/null || echo none)
  [ "$up" = 1 ] && break
  sleep 0.2
done
if [ "$up" != 1 ]; then
  curl -fsS "$api/targets" >&2 || true
  cat "$dir/prom.log" >&2
  die "Prometheus did not scrape the store (up = $up)"
fi
target=$(curl -fsS "$api/targets" | python3 -c 'import json,sys; t=json.load(sys.stdin)["data"]["activeTargets"][0]; print(t["health"], repr(t["lastError"]))')
echo "target: $target"
[ "$target" = "up ''" ] || die "the scrape reported a problem: $target"
fails=0
check() {  # check DESCRIPTION QUERY PYTHON-CONDITION-ON-v
  local v
  v=$(query "$2")
  if python3 -c "import sys; v=sys.argv[1]; sys.exit(0 if v != 'none' and ($3) else 1)" "$v"; then
    echo "ok   $1: $v"
  else
    echo "FAIL $1: $v"; fails=$((fails + 1))
  fi
}
check "catalogue requests counted (>= $requests)" 'jupiter_http_requests_total{route="/api/catalogue",status="200"}' "float(v) >= $requests"
check "catalogue latency histogram count (>= $requests)" 'jupiter_http_request_duration_seconds_count{route="/api/catalogue"}' "float(v) >= $requests"
check "p99 catalogue latency (histogram_quantile) is a number below 1 s" 'histogram_quantile(0.99, jupiter_http_request_duration_seconds_bucket{route="/api/catalogue"})' "float(v) < 1"
check "provisioning queue of the empty store" 'jupiter_jobs_queued{queue="provisioning"}' "float(v) == 0"
check "one database connection open" 'jupiter_db_connections{state="open"}' "float(v) == 1"
check "scrapes of /metrics counted by the store" 'jupiter_http_requests_total{route="/metrics",status="200"}' "float(v) >= 1"
[ "$fails" -eq 0 ] || die "$fails check(s) failed"
echo "scrape.sh: Prometheus $("$PROM" --version 2>&1 | head -n1 | awk '{print $3}') scraped jupiter-server /metrics: all checks passed"
