# Sourced by ./test: start_test_postgres / stop_test_postgres.
# Makes a fresh cluster in a temporary folder, listening on loopback only, with
# trust authentication (it lives for one test run), and exports its URL as
# REVOKE_DESK_TEST_PG for the tests marked `postgres`.

PG_TEST_DIR=""

_pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$found" ]; then echo "$found"; else dirname "$(command -v initdb)"; fi
}

_pg_as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres user.
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_test_postgres() {
  local bin port
  bin=$(_pg_bin)
  if [ ! -x "$bin/initdb" ]; then
    echo "== PostgreSQL not found: the postgres tests will fail"
    return 0
  fi
  PG_TEST_DIR=$(mktemp -d /tmp/revoke-desk-pg.XXXXXX)
  chmod 755 "$PG_TEST_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_TEST_DIR"
  port=$("${PYTHON:-python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  _pg_as_owner "$bin/initdb" -D "$PG_TEST_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  _pg_as_owner "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TEST_DIR -c fsync=on -c max_connections=100" start >/dev/null
  export REVOKE_DESK_TEST_PG="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "== PostgreSQL test server on 127.0.0.1:$port"
}

stop_test_postgres() {
  if [ -n "$PG_TEST_DIR" ] && [ -d "$PG_TEST_DIR/data" ]; then
    _pg_as_owner "$(_pg_bin)/pg_ctl" -D "$PG_TEST_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_TEST_DIR"
  fi
}
