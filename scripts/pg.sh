#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for tests of the PostgreSQL metadata store (SPEC X3):
#   scripts/pg.sh start DIR PORT   init DIR if missing, start on 127.0.0.1:PORT, print the URL
#   scripts/pg.sh stop DIR         stop it
# Trust auth on loopback only, user `hako`, database `hako`; durability off for speed, unless
# HAKO_PG_DURABLE=1 when the cluster is made (benchmarks: commits wait for the disk, as in use).
# As root (initdb refuses root) the server runs as $HAKO_PG_USER (default `nobody`), which
# owns DIR. Sourced with arguments, it also exports HAKO_DATABASE_URL after `start`.

_hako_pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
  elif [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
    echo /usr/lib/postgresql/15/bin
  else
    echo "pg.sh: initdb/pg_ctl not found (PATH, /usr/lib/postgresql/15/bin)" >&2
    return 1
  fi
}

# Runs a PostgreSQL program as the cluster's owner: ourselves, or $HAKO_PG_USER under root.
_hako_pg_as_owner() {
  if [[ $(id -u) == 0 ]]; then
    (cd / && runuser -u "${HAKO_PG_USER:-nobody}" -- "$@")
  else
    "$@"
  fi
}

_hako_pg_start() {
  local dir=${1:?usage: pg.sh start DIR PORT} port=${2:?usage: pg.sh start DIR PORT}
  local bin
  bin=$(_hako_pg_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ $(id -u) == 0 ]]; then
    local owner=${HAKO_PG_USER:-nobody}
    chown -R "$owner:" "$dir"
    chmod 700 "$dir"
    if ! runuser -u "$owner" -- test -w "$dir"; then
      echo "pg.sh: $owner cannot reach $dir (check the parent folders' permissions)" >&2
      return 1
    fi
  fi

  if [[ ! -f $dir/PG_VERSION ]]; then
    _hako_pg_as_owner "$bin/initdb" -D "$dir" -U hako -A trust -E UTF8 --locale=C >"$dir.initdb.log" 2>&1 || {
      cat "$dir.initdb.log" >&2
      return 1
    }
    rm -f "$dir.initdb.log"
    # Trust, but only over the cluster's own socket and loopback.
    _hako_pg_as_owner tee "$dir/pg_hba.conf" >/dev/null <<'EOF'
local all all              trust
host  all all 127.0.0.1/32 trust
EOF
    {
      echo
      echo "# Test cluster (scripts/pg.sh): many test servers each open a pool."
      echo "max_connections = 400"
      echo "include_if_exists = 'hako-listen.conf'"
      if [[ -z ${HAKO_PG_DURABLE:-} ]]; then
        echo "# Speed over durability."
        printf '%s\n' "fsync = off" "synchronous_commit = off" "full_page_writes = off"
      fi
    } | _hako_pg_as_owner tee -a "$dir/postgresql.conf" >/dev/null
  fi

  # Where to listen is rewritten at every start: the port may change between runs.
  _hako_pg_as_owner tee "$dir/hako-listen.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
EOF

  if ! _hako_pg_as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    _hako_pg_as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/postgres.log" -w -t 60 start >/dev/null || {
      tail -n 20 "$dir/postgres.log" >&2
      return 1
    }
  fi
  local tries=0
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U hako -d postgres; do
    ((++tries < 100)) || {
      echo "pg.sh: PostgreSQL in $dir did not answer on 127.0.0.1:$port" >&2
      return 1
    }
    sleep 0.1
  done

  if [[ -z $("$bin/psql" -X -h 127.0.0.1 -p "$port" -U hako -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'hako'") ]]; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U hako hako
  fi
  echo "postgres://hako@127.0.0.1:$port/hako"
}

_hako_pg_stop() {
  local dir=${1:?usage: pg.sh stop DIR}
  local bin
  bin=$(_hako_pg_bin)
  if _hako_pg_as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    _hako_pg_as_owner "$bin/pg_ctl" -D "$dir" -m fast -w -t 60 stop >/dev/null
  fi
}

_hako_pg_main() {
  case "${1:-}" in
    start) shift && _hako_pg_start "$@" ;;
    stop) shift && _hako_pg_stop "$@" ;;
    *)
      echo "usage: pg.sh start DIR PORT | pg.sh stop DIR" >&2
      return 2
      ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  _hako_pg_main "$@"
elif (($# > 0)); then
  # Sourced with arguments: run as a separate process, so strict mode stays out of the caller.
  if [[ $1 == start ]]; then
    HAKO_DATABASE_URL=$(bash "${BASH_SOURCE[0]}" "$@") && export HAKO_DATABASE_URL &&
      echo "$HAKO_DATABASE_URL"
  else
    bash "${BASH_SOURCE[0]}" "$@"
  fi
fi
