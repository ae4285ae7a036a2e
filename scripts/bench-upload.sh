#!/usr/bin/env bash
# Upload benchmark (SPEC D3, T1): a file through tus on loopback with hako-device, as a ratio
# to `cp` of the same file on the same disk, and the server's peak memory for two file sizes
# (it must not grow with the size). Usage: scripts/bench-upload.sh [SIZE_MIB] (default 2048).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-2048}
cargo build --release -q -p hako-api-shim -p hako-device
work=$(mktemp -d "$PWD/target/bench-upload.XXXX")
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=18181
export HAKO_DATA="$work/data" HAKO_PASSWORD="benchmark passphrase" HAKO_DEVICE_HOME="$work/phone-home" LANG=C
target/release/hako user add bench@example.jp >/dev/null

run_one() { # $1 = MiB
  local mib=$1 dir="$work/phone-$1"
  mkdir -p "$dir"
  head -c "$((mib * 1024 * 1024))" /dev/urandom > "$dir/VID_$mib.mp4"
  sync
  RUST_LOG=warn target/release/hako serve --listen 127.0.0.1:$port >/dev/null 2>&1 & server=$!
  until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; do sleep 0.1; done
  target/release/hako-device login --server "http://127.0.0.1:$port" --email bench@example.jp >/dev/null
  target/release/hako-device register --room 1 --wipe >/dev/null
  local t0 t1 t2
  t0=$(date +%s.%N); cp "$dir/VID_$mib.mp4" "$work/copy.mp4"; sync; t1=$(date +%s.%N)
  rm "$work/copy.mp4"
  target/release/hako-device backup "$dir" >/dev/null; t2=$(date +%s.%N)
  local rss; rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  kill "$server"; wait "$server" 2>/dev/null || true
  awk -v mib="$mib" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v rss="$rss" 'BEGIN {
    cp = t1 - t0; up = t2 - t1
    printf "%6d MiB  cp %6.2f s (%6.0f MiB/s)  upload %6.2f s (%6.0f MiB/s)  upload/cp time %5.2f  server peak RSS %6.1f MiB\n",
      mib, cp, mib / cp, up, mib / up, up / cp, rss / 1024 }'
  rm -rf "$dir"
}
echo "hako-device backup (hash + tus upload in 32 MiB chunks with per-chunk CRC-32) vs cp + sync:"
run_one 256
run_one "$size_mib"

# The missing-hash check a phone makes before a backup, at its largest batch.
RUST_LOG=warn target/release/hako serve --listen 127.0.0.1:$port >/dev/null 2>&1 & server=$!
until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; do sleep 0.1; done
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["device_token"])' "$HAKO_DEVICE_HOME/session.json")
python3 -c 'import hashlib,json; print(json.dumps({"sha256": [hashlib.sha256(str(i).encode()).hexdigest() for i in range(100000)]}))' > "$work/hashes.json"
for run in 1 2 3; do
  curl -sf -o /dev/null -w "missing-hash check, 100,000 hashes: %{time_total} s\n" \
    -H "authorization: Bearer $token" -H 'content-type: application/json' \
    --data-binary @"$work/hashes.json" "http://127.0.0.1:$port/api/v1/device/missing"
done
