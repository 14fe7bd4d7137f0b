#!/usr/bin/env bash
# start-cluster.sh: the scaled-out store in one command (issue 17), everything on loopback:
#   nginx, the store's address       127.0.0.1:8180  (JUPITER_CLUSTER_PORT) round robin over the three servers,
#                                    as src/server/nginx-cluster.conf.in says (passive health checks, the web build's
#                                    hashed files sent by nginx itself, the catalogue held for 1 s)
#   jupiter-server x3                127.0.0.1:8181, 8182, 8183 (from JUPITER_CLUSTER_PORT + 1), all on PostgreSQL,
#                                    sharing the data folder data-cluster/store (secrets, outbox, caches)
#   processor sandbox                127.0.0.1:8184 (test mode: card 4242 4242 4242 4242 pays)
#   partner sandbox                  127.0.0.1:8185
#   PostgreSQL 15                    127.0.0.1:8186, database "jupiter", its files in data-cluster/pg (kept between
#                                    runs; owned by the system user jupiter-pg when run as root: PostgreSQL refuses
#                                    root). Trust authentication on loopback: a one-machine demo, not a deployment.
# Builds what is missing first, like start-store.sh. Extra arguments go to every jupiter-server. One Ctrl-C stops
# everything (PostgreSQL with pg_ctl). Run ./emsdk-setup.sh once before.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. src/server/start-common.sh
base=${JUPITER_CLUSTER_PORT:-8180}
servers=(1 2 3)
processor_port=$((base + 4)) partner_port=$((base + 5)) pg_port=$((base + 6))
public="http://127.0.0.1:$base"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=jupiter-pg
root=$PWD/data-cluster
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

build_store
mkdir -p "$root" && chmod 711 "$root"  # traversable by PostgreSQL's user; each part below is its owner's alone
mkdir -p "$root/store" "$root/nginx" && chmod 700 "$root/store" && chmod 711 "$root/nginx"  # nginx's workers (nobody) reach their temp folders
secret "$root/store/webhook-secret" >/dev/null
secret "$root/store/processor-api-key" >/dev/null

step "PostgreSQL on 127.0.0.1:$pg_port (data-cluster/pg)"
if [ "$(id -u)" -eq 0 ] && ! id "$PG_USER" >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
fi
if [ ! -s "$root/pg/data/PG_VERSION" ]; then
  mkdir -p "$root/pg" && chmod 700 "$root/pg"
  [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$root/pg"
  as_pg "$PG_BIN/initdb" -D "$root/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$root/pg/initdb.log"
fi
as_pg "$PG_BIN/pg_ctl" -D "$root/pg/data" -l "$root/pg/server.log" -w -t 30 start \
  -o "-p $pg_port -k $root/pg -c listen_addresses=127.0.0.1 -c max_connections=50" >/dev/null
pids=()
stop_all() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$root/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}
trap stop_all INT TERM EXIT
as_pg psql -h 127.0.0.1 -p "$pg_port" -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'jupiter'" \
  | grep -q 1 || as_pg psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE jupiter"
database="postgresql://postgres@127.0.0.1:$pg_port/jupiter"

step "the sandboxes and three jupiter-server processes"
bin=build/native/src
"$bin/sandbox/jupiter-processor-sandbox" --port "$processor_port" --api-key-file "$root/store/processor-api-key" \
  --webhook-secret-file "$root/store/webhook-secret" &
pids+=($!)
"$bin/sandbox/jupiter-partner-sandbox" --port "$partner_port" &
pids+=($!)
upstreams=""
for n in "${servers[@]}"; do
  port=$((base + n))
  # The first one migrates and imports the catalogue; the others would wait for its start-up lock anyway.
  "$bin/server/jupiter-server" --port "$port" --data "$root/store" --database "$database" --web build/web/site \
    --catalogue assets/catalogue.json --public-url "$public" --processor-url "http://127.0.0.1:$processor_port" \
    --partner-url "http://127.0.0.1:$partner_port" --trust-proxy 127.0.0.1 "$@" > >(sed -u "s/^/[server $n] /") 2>&1 &
  pids+=($!)
  upstreams+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
done
for n in "${servers[@]}"; do  # each answers /healthz (its database answers) before nginx sends it anything
  for try in $(seq 150); do
    curl -fsS -o /dev/null "http://127.0.0.1:$((base + n))/healthz" 2>/dev/null && break
    [ "$try" -lt 150 ] || { echo "start-cluster.sh: server $n did not answer /healthz within 30 s" >&2; exit 1; }
    sleep 0.2
  done
done

step "nginx on $public"
# nginx.conf: process, logs and temp folders; the front itself is nginx-cluster.conf.in, rendered next to it.
sed -e "s|@PORT@|$base|g" -e "s|@SITE@|$PWD/build/web/site|g" -e "s|@CACHE@|$root/nginx/cache|g" \
  -e "/@UPSTREAMS@/{r /dev/stdin" -e "d}" src/server/nginx-cluster.conf.in <<<"${upstreams%$'\n'}" >"$root/nginx/cluster.conf"
cat >"$root/nginx/nginx.conf" <<CONF
# Written by src/server/start-cluster.sh on each start.
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
daemon off;
worker_processes 1;
pid $root/nginx/nginx.pid;
error_log $root/nginx/error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;   # each jupiter-server logs the requests it answers
  client_body_temp_path $root/nginx/body;
  proxy_temp_path $root/nginx/proxy;
  fastcgi_temp_path $root/nginx/fastcgi;
  uwsgi_temp_path $root/nginx/uwsgi;
  scgi_temp_path $root/nginx/scgi;
  include $root/nginx/cluster.conf;
}
CONF
nginx -t -q -e "$root/nginx/error.log" -c "$root/nginx/nginx.conf"
nginx -e "$root/nginx/error.log" -c "$root/nginx/nginx.conf" &
pids+=($!)
cat <<EOT

  store (nginx)          $public   (config: data-cluster/nginx/nginx.conf, from src/server/nginx-cluster.conf.in)
  jupiter-server         http://127.0.0.1:$((base + 1)), :$((base + 2)), :$((base + 3))   (data-cluster/store, database
                         $database)
  processor sandbox      http://127.0.0.1:$processor_port   (card 4242 4242 4242 4242 pays)
  partner sandbox        http://127.0.0.1:$partner_port
  PostgreSQL             127.0.0.1:$pg_port   (data-cluster/pg; log data-cluster/pg/server.log)
  The processes log to this terminal, each server's lines marked. Ctrl-C stops them all.

EOT
wait -n "${pids[@]}"  # the first one to exit (a Ctrl-C, or a failure to start) stops the others
