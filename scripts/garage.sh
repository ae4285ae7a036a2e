#!/usr/bin/env bash
# A private, throwaway Garage (S3-compatible object store) for tests of bucket storage (SPEC X3):
#   scripts/garage.sh start DIR PORT   start a single-node Garage with its S3 API on 127.0.0.1:PORT
#                                      (RPC on PORT+1) and one bucket `hako`; print shell exports
#   scripts/garage.sh stop DIR         stop it
# The exports name the endpoint, bucket and a fixed test key: HAKO_S3_ENDPOINT, HAKO_S3_BUCKET,
# HAKO_S3_KEY, HAKO_S3_SECRET. Loopback only; the key is for this throwaway store only.
set -euo pipefail

KEY=GK0123456789abcdef01234567
SECRET=$(printf '%064d' 7)

start() {
  local dir=${1:?usage: garage.sh start DIR PORT} port=${2:?usage: garage.sh start DIR PORT}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local exports="export HAKO_S3_ENDPOINT=http://127.0.0.1:$port HAKO_S3_BUCKET=hako HAKO_S3_KEY=$KEY HAKO_S3_SECRET=$SECRET"
  if [ -f "$dir/garage.pid" ] && kill -0 "$(cat "$dir/garage.pid")" 2>/dev/null; then
    echo "$exports"
    return
  fi
  cat > "$dir/garage.toml" <<CONF
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$((port + 1))"
rpc_public_addr = "127.0.0.1:$((port + 1))"
rpc_secret = "$(printf '%064d' 1)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$port"
root_domain = ".s3.garage.localhost"
CONF
  GARAGE_DEFAULT_ACCESS_KEY=$KEY GARAGE_DEFAULT_SECRET_KEY=$SECRET GARAGE_DEFAULT_BUCKET=hako \
    nohup garage -c "$dir/garage.toml" server --single-node --default-bucket \
    > "$dir/garage.log" 2>&1 &
  echo $! > "$dir/garage.pid"
  # Ready when the S3 API answers (403 without a signature) and the bucket exists.
  for _ in $(seq 1 100); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true)" = 403 ] \
      && grep -q "S3 API server listening" "$dir/garage.log" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  sleep 0.5
  echo "$exports"
}

stop() {
  local dir=${1:?usage: garage.sh stop DIR}
  if [ -f "$dir/garage.pid" ]; then
    kill "$(cat "$dir/garage.pid")" 2>/dev/null || true
    rm -f "$dir/garage.pid"
  fi
}

case ${1:-} in
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
