#!/usr/bin/env bash
# The web viewer with a million-item ROOM over 20 years (issue 4): month-list time and size
# (API), then Chromium (e2e/bench/viewer.mjs): first thumbnails, oldest month via the rail,
# DOM size, longest task, shipped bytes. ITEMS=100000 for a quicker run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/ensure-tools.sh test >/dev/null
trunk build --release >/dev/null 2>&1
cargo build --release -q -p hako-api-shim --features fixtures
items=${ITEMS:-1000000}
data=$(mktemp -d)
port=18095
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
export HAKO_PASSWORD=bench-password-2026 HAKO_DATA=$data
echo "== fixture: $items items"
target/release/hako bench-fixture --email bench@example.jp --items "$items" --years 20
target/release/hako serve --listen 127.0.0.1:$port --data "$data" --dist dist >/dev/null 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; do sleep 0.2; done
jar=$data/cookies
curl -sf -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench@example.jp\",\"password\":\"$HAKO_PASSWORD\"}" "http://127.0.0.1:$port/api/v1/auth/signin" >/dev/null
echo "== month list (GET /api/v1/rooms/1/timeline), 5 runs"
for i in 1 2 3 4 5; do
  curl -s -b "$jar" -o /dev/null -H 'Accept-Encoding: br' \
    -w "  time %{time_total}s  size %{size_download} B (br)\n" "http://127.0.0.1:$port/api/v1/rooms/1/timeline"
done
curl -s -b "$jar" -o /dev/null -w "  uncompressed %{size_download} B\n" "http://127.0.0.1:$port/api/v1/rooms/1/timeline"
echo "== month page (oldest month, first 500 items)"
oldest=$(curl -s -b "$jar" "http://127.0.0.1:$port/api/v1/rooms/1/timeline" | python3 -c 'import json,sys; print(json.load(sys.stdin)["months"][-1]["month"])')
curl -s -b "$jar" -o /dev/null -H 'Accept-Encoding: br' \
  -w "  $oldest: time %{time_total}s  size %{size_download} B (br)\n" "http://127.0.0.1:$port/api/v1/rooms/1/timeline/$oldest"
echo "== Chromium"
BASE=http://127.0.0.1:$port EMAIL=bench@example.jp PASSWORD=$HAKO_PASSWORD node e2e/bench/viewer.mjs
