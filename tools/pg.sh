#!/bin/sh
# pg.sh — a private PostgreSQL cluster in a folder, reachable only by its Unix socket.
#   pg.sh start DIR [PORT]   creates (initdb) and starts it; prints its DATABASE_URL
#   pg.sh stop DIR           stops it
# PostgreSQL refuses to run as root: as root, the cluster runs as the user "postgres".
set -eu
cmd=$1; dir=$2; port=${3:-5432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL is not installed (make deps)" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bindir/initdb" -D "$dir/data" -U ciclo -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-k $dir -p $port -c listen_addresses='' -c fsync=${PG_FSYNC:-on} -c max_connections=300" start >/dev/null ||
      { cat "$dir/postgres.log" >&2; exit 1; }
  fi
  as_owner "$bindir/psql" -h "$dir" -p "$port" -U ciclo -d postgres -Atqc \
    "SELECT 1 FROM pg_database WHERE datname = 'ciclo'" | grep -q 1 ||
    as_owner "$bindir/createdb" -h "$dir" -p "$port" -U ciclo ciclo
  echo "postgresql://ciclo@/ciclo?host=$dir&port=$port"
  ;;
stop)
  dir=$(cd "$dir" && pwd)
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  ;;
*) echo "usage: pg.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
