#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the test suite, on 127.0.0.1:55432 with trust authentication.
#   start         init (first time) and start the cluster, create database tessera_test, print its URL
#   stop          stop the cluster and delete its directory
#   status        exit 0 when the cluster is running
#   acquire ID    start as above for a test run holding the lease ID, print the URL
#   release ID    drop the lease ID; when no live lease is left and test runs started the cluster
#                 (not a manual `start`), stop it as above
# Leases let concurrent test runs share one cluster: the last run to end stops it, none stops it
# under another. A lease ID starts with the pid of the run's process; leases whose process is gone
# (a run killed before its teardown) do not count.
# Environment: TESSERA_PG_DIR (default /tmp/tessera-pg), TESSERA_PG_PORT (default 55432),
# TESSERA_PG_BIN (default /usr/lib/postgresql/15/bin), TESSERA_PG_OS_USER (default postgres, else nobody).
set -euo pipefail

bin=${TESSERA_PG_BIN:-/usr/lib/postgresql/15/bin}
dir=${TESSERA_PG_DIR:-/tmp/tessera-pg}
port=${TESSERA_PG_PORT:-55432}
database=tessera_test
url="postgres://postgres@127.0.0.1:$port/$database"

if [ -n "${TESSERA_PG_OS_USER:-}" ]; then os_user=$TESSERA_PG_OS_USER
elif id -u postgres >/dev/null 2>&1; then os_user=postgres
else os_user=nobody; fi

# initdb and postgres refuse to run as root, so as root every server command runs as $os_user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$os_user" -- "$@"; else "$@"; fi
}

for tool in initdb pg_ctl psql createdb; do
  [ -x "$bin/$tool" ] || { echo "postgres-test-server: $bin/$tool is missing (install postgresql-15)" >&2; exit 1; }
done

# Two test runs starting at once must not both run initdb.
exec 9>"$dir.lock"
flock 9

running() { [ -f "$dir/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; }

start() {
  if ! running; then
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      rm -rf "$dir"
      mkdir -p "$dir/socket"
      [ "$(id -u)" = 0 ] && chown -R "$os_user" "$dir"
      chmod 700 "$dir" "$dir/socket"
      as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # Durability is worthless for test data; fsync off makes migrations and inserts fast.
    # 9>&-: the server must not inherit the lock, or the next start or stop would wait forever.
    as_owner "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null 9>&- || { tail -n 20 "$dir/server.log" >&2; exit 1; }
  fi
  local psql=("$bin/psql" -h "$dir/socket" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq)
  if [ "$(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
    as_owner "$bin/createdb" -h "$dir/socket" -p "$port" -U postgres "$database"
  fi
  echo "$url"
}

stop() {
  if running; then as_owner "$bin/pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null; fi
  rm -rf "$dir"
}

lease_id() {
  [[ "${1:-}" =~ ^[0-9]+(-[A-Za-z0-9_.-]+)?$ ]] || { echo "postgres-test-server: a lease ID is PID or PID-NAME, got '${1:-}'" >&2; exit 2; }
}

acquire() {
  lease_id "$1"
  local started_here=0
  running || started_here=1
  local printed; printed=$(start)
  # Started by a test run: the last lease's release stops it. Started by hand: never.
  [ "$started_here" = 1 ] && touch "$dir/started-by-tests"
  mkdir -p "$dir/leases"
  touch "$dir/leases/$1"
  echo "$printed"
}

release() {
  lease_id "$1"
  rm -f "$dir/leases/$1"
  local lease pid live=0
  for lease in "$dir"/leases/*; do
    [ -e "$lease" ] || continue
    pid=${lease##*/}; pid=${pid%%-*}
    if [ -d "/proc/$pid" ]; then live=1; else rm -f "$lease"; fi
  done
  if [ "$live" = 0 ] && [ -f "$dir/started-by-tests" ]; then stop; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running ;;
  acquire) acquire "${2:-}" ;;
  release) release "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|acquire ID|release ID" >&2; exit 2 ;;
esac
