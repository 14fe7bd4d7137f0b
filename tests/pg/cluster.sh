#!/usr/bin/env bash
# tests/pg/cluster.sh: a throwaway PostgreSQL 15 cluster for the API tests, on 127.0.0.1 at a free port.
#   tests/pg/cluster.sh run CMD...   start a cluster, run CMD with JUPITER_TEST_DATABASE set to its URL, stop it
#                                    (also when CMD fails or is interrupted); exits with CMD's status
#   tests/pg/cluster.sh start        start one and print `export JUPITER_TEST_DATABASE=...; export JUPITER_PG_DIR=...`
#   tests/pg/cluster.sh stop DIR     stop the cluster started in DIR and remove DIR
# The cluster (initdb + pg_ctl from /usr/lib/postgresql/15/bin, or PG_BIN) runs as the calling user, or as the
# system user jupiter-pg (created when missing) when called as root, as CI does: PostgreSQL refuses to run as root.
# Data and the unix socket live in a fresh temp dir that user owns. Trust authentication, loopback only, fsync off:
# for tests, never for data that matters.
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=jupiter-pg

die() { echo "cluster.sh: $*" >&2; exit 1; }

as_owner() {  # as_owner CMD...: runs CMD as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  [ -x "$PG_BIN/initdb" ] || die "no $PG_BIN/initdb (apt-get install postgresql)"
  if [ "$(id -u)" -eq 0 ] && ! id "$PG_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER" || die "cannot create user $PG_USER"
  fi
  local dir port
  dir=$(mktemp -d /tmp/jupiter-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$dir"
  chmod 700 "$dir"
  port=$(free_port)
  as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; die "initdb failed"; }
  if ! as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null; then
    cat "$dir/server.log" >&2 || true
    rm -rf "$dir"
    die "pg_ctl start failed"
  fi
  echo "$port" >"$dir/port"
  echo "export JUPITER_TEST_DATABASE=postgresql://postgres@127.0.0.1:$port/postgres; export JUPITER_PG_DIR=$dir"
}

stop() {
  local dir=$1
  [ -d "$dir/data" ] || die "no cluster in $dir"
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
  run)
    shift
    [ $# -ge 1 ] || die "usage: $0 run CMD..."
    env_line=$(start)
    eval "$env_line"
    trap 'stop "$JUPITER_PG_DIR"' EXIT
    trap 'exit 130' INT TERM
    echo "cluster.sh: PostgreSQL at $JUPITER_TEST_DATABASE (dir $JUPITER_PG_DIR)"
    set +e
    "$@"
    status=$?
    set -e
    exit "$status"
    ;;
  *) die "usage: $0 start | stop DIR | run CMD..." ;;
esac
