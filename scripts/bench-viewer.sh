#!/usr/bin/env bash
# The web viewer with a large ROOM over 20 years (issue 4, issue 17 target 4): fixture time,
# month-list time and size (API), first-page time of the newest, a middle and the oldest month,
# then Chromium (e2e/bench/viewer.mjs): first thumbnails, oldest month via the rail, DOM size,
# longest task, shipped bytes.
# Environment: ITEMS=1000000 (items in the ROOM), STACK=sqlite|postgres (PostgreSQL: a durable
# private cluster from scripts/pg.sh), SKIP_BUILD=1 (use the binaries and dist/ as they are).
# The figures also go to docs/bench/viewer-STACK.tsv, which docs/PERFORMANCE.md shows
# (scripts/bench-scale.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/ensure-tools.sh test >/dev/null
if [[ -z ${SKIP_BUILD:-} ]]; then
  trunk build --release >/dev/null 2>&1
  cargo build --release -q -p hako-api-shim --features fixtures
fi
items=${ITEMS:-1000000}
stack=${STACK:-sqlite}
data=$(mktemp -d "$PWD/target/bench-viewer.XXXX")
pg=""
port=18095
cleanup() {
  kill "${server:-}" 2>/dev/null || true
  [[ -z $pg ]] || scripts/pg.sh stop "$pg" >/dev/null 2>&1 || true
  rm -rf "$data" "$pg"
}
trap cleanup EXIT
export HAKO_PASSWORD=bench-password-2026 HAKO_DATA=$data
if [[ $stack == postgres ]]; then
  pg=$(mktemp -d /tmp/hako-bench-viewer-pg.XXXX)
  HAKO_DATABASE_URL=$(HAKO_PG_DURABLE=1 scripts/pg.sh start "$pg" 15490)
  export HAKO_DATABASE_URL
fi
results=$data/results.tsv
record() { printf '%s\t%s\n' "$1" "$2" >>"$results"; }
record items "$items"
echo "== fixture: $items items ($stack)"
/usr/bin/time -o "$data/time.txt" -f "%e %M" target/release/hako bench-fixture --email bench@example.jp --items "$items" --years 20
read -r fixture_s fixture_kib <"$data/time.txt"
echo "  $fixture_s s, peak RSS $((fixture_kib / 1024)) MiB"
record fixture_s "$fixture_s"
if [[ -n $pg ]]; then
  # What autovacuum would do next, done before measuring (untimed): it would otherwise take a
  # core from the measurements below, and the planner its statistics of the new rows.
  psql -X -q "$HAKO_DATABASE_URL" -c "VACUUM ANALYZE"
fi
target/release/hako serve --listen 127.0.0.1:$port --data "$data" --dist dist >/dev/null 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null; do sleep 0.2; done
jar=$data/cookies
curl -sf -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench@example.jp\",\"password\":\"$HAKO_PASSWORD\"}" "http://127.0.0.1:$port/api/v1/auth/signin" >/dev/null
# Server time: from the request sent to the first byte of the answer (curl on loopback).
timed() { # path label [encoding]
  local i
  for i in 1 2 3 4 5; do
    curl -s -b "$jar" -o /dev/null -H "Accept-Encoding: ${3:-br}" \
      -w "%{time_starttransfer} %{time_pretransfer} %{size_download}\n" "http://127.0.0.1:$port$1"
  done | awk -v label="$2" -v enc="${3:-br}" -v out="$data/timed.txt" '{
    ms = ($1 - $2) * 1000; printf "  %-10s server %6.1f ms  size %7d B (%s)\n", label, ms, $3, enc
    print ms, $3 > out }'
  # The median of the five, and the size.
  sort -g "$data/timed.txt" | awk 'NR == 3 { print $1, $2 }'
}
echo "== month list (GET /api/v1/rooms/1/timeline), 5 runs"
read -r ms bytes < <(timed /api/v1/rooms/1/timeline list | tee /dev/stderr | tail -n1)
record list_ms "$ms"
record list_br_bytes "$bytes"
read -r ms bytes < <(timed /api/v1/rooms/1/timeline list identity | tee /dev/stderr | tail -n1)
record list_identity_ms "$ms"
record list_identity_bytes "$bytes"
echo "== month pages (first 500 items), 5 runs each"
mapfile -t months < <(curl -s -b "$jar" "http://127.0.0.1:$port/api/v1/rooms/1/timeline" |
  python3 -c 'import json,sys; m = [x["month"] for x in json.load(sys.stdin)["months"]]; print(m[0]); print(m[len(m) // 2]); print(m[-1])')
for month in "${months[@]}"; do
  read -r ms bytes < <(timed "/api/v1/rooms/1/timeline/$month" "$month" | tee /dev/stderr | tail -n1)
  record "page_ms.$month" "$ms"
done
echo "== Chromium"
BASE=http://127.0.0.1:$port EMAIL=bench@example.jp PASSWORD=$HAKO_PASSWORD node e2e/bench/viewer.mjs |
  tee "$data/chromium.jsonl"
python3 - "$data/chromium.jsonl" >>"$results" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    run = json.loads(line)
    for key in ("first_thumbnails_ms", "oldest_month_after_release_ms", "longest_task_scroll_scrub_ms",
                "max_dom_elements"):
        print(f"{run['viewport']}.{key}\t{run[key]}")
PY
mkdir -p docs/bench
{
  printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf 'commit\t%s\n' "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api-shim app protocol || echo ' (with uncommitted changes)')"
  printf 'command\tITEMS=%s STACK=%s scripts/bench-viewer.sh\n' "$items" "$stack"
  cat "$results"
} >"docs/bench/viewer-$stack.tsv"
echo "== written: docs/bench/viewer-$stack.tsv"
