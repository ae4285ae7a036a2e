#!/usr/bin/env bash
# ZIP download benchmark (SPEC V9, issue 17 target 2): FILES stored files of SIZE_MIB each
# (random bytes, warm page cache) downloaded as one ZIP through a ticket with curl to
# /dev/null, against `cat` of the same stored files to /dev/null — best of 5 each, alternating,
# and the server's peak RSS. Usage: scripts/bench-zip.sh [SIZE_MIB] (default 128) [FILES] (4).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-128}
files=${2:-4}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release -q -p hako-api-shim -p hako-device
work=$(mktemp -d "$PWD/target/bench-zip.XXXX")
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=18186 url=http://127.0.0.1:18186
export HAKO_DATA="$work/data" HAKO_PASSWORD="benchmark passphrase" HAKO_DEVICE_HOME="$work/phone-home" LANG=C
target/release/hako user add bench@example.jp >/dev/null
mkdir -p "$work/phone"
for i in $(seq 1 "$files"); do head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/phone/VID_$i.mp4"; done
RUST_LOG=warn target/release/hako serve --listen "127.0.0.1:$port" >/dev/null 2>&1 & server=$!
until curl -sf "$url/api/health" >/dev/null; do sleep 0.1; done
target/release/hako-device login --server "$url" --email bench@example.jp >/dev/null
target/release/hako-device register --room 1 --wipe >/dev/null
target/release/hako-device backup "$work/phone" >/dev/null
curl -sf -c "$work/jar" -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench@example.jp\",\"password\":\"$HAKO_PASSWORD\"}" "$url/api/v1/auth/signin" >/dev/null
ids=$(sqlite3 "$work/data/hako.sqlite3" "SELECT id FROM items ORDER BY id" | paste -sd, -)
mapfile -t stored < <(sqlite3 "$work/data/hako.sqlite3" "SELECT sha256 FROM items ORDER BY id" |
  while read -r sha; do find "$work/data/blobs" -type f -name "$sha*" | head -n1; done)
zip_best=0 cat_best=0
for run in 1 2 3 4 5; do
  ticket=$(curl -sf -b "$work/jar" -H 'Content-Type: application/json' -d "{\"item_ids\":[$ids]}" "$url/api/v1/downloads")
  path=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])' <<<"$ticket")
  read -r bytes secs < <(curl -sf -b "$work/jar" -o /dev/null -w '%{size_download} %{time_total}\n' "$url$path")
  zip=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1048576 / s }')
  t0=$(date +%s.%N); cat "${stored[@]}" >/dev/null; t1=$(date +%s.%N)
  total=$(cat "${stored[@]}" | wc -c)
  cat_mibs=$(awk -v b="$total" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f", b / 1048576 / (t1 - t0) }')
  echo "run $run: ZIP $zip MiB/s ($bytes B)  cat $cat_mibs MiB/s"
  zip_best=$((zip > zip_best ? zip : zip_best)) cat_best=$((cat_mibs > cat_best ? cat_mibs : cat_best))
done
rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
awk -v z="$zip_best" -v c="$cat_best" -v r="$rss" -v n="$files" -v m="$size_mib" 'BEGIN {
  printf "best: ZIP of %d × %d MiB %d MiB/s, cat %d MiB/s: %.2f×; server peak RSS %.1f MiB\n", n, m, z, c, z / c, r / 1024 }'
