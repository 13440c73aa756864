# Sourced by scripts/test: a throw-away PostgreSQL cluster on a free loopback port, stopped on exit.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -n "$pg_bin" ] && [ -z "${PLANNER_TEST_POSTGRES_URL:-}" ]; then
  pg_dir=$(mktemp -d /tmp/planner-pg.XXXXXX)
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_user=postgres
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$pg_dir"
    run_pg() { su postgres -s /bin/sh -c "$*"; }
  else
    pg_user=$(id -un)
    run_pg() { sh -c "$*"; }
  fi
  run_pg "$pg_bin/initdb -D $pg_dir/data -U planner -A trust >/dev/null"
  run_pg "$pg_bin/pg_ctl -D $pg_dir/data -l $pg_dir/log -o '-h 127.0.0.1 -p $pg_port -k $pg_dir' -w start >/dev/null"
  trap 'run_pg "$pg_bin/pg_ctl -D $pg_dir/data -m immediate stop >/dev/null 2>&1"; rm -rf "$pg_dir"' EXIT
  export PLANNER_TEST_POSTGRES_URL="postgresql+psycopg://planner@127.0.0.1:$pg_port/postgres"
fi
