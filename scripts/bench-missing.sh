#!/usr/bin/env bash
# Missing-hash check benchmark (SPEC D3): POST /api/v1/device/missing with 100,000 hashes, a
# phone's largest batch, on SQLite and on PostgreSQL (when scripts/pg.sh can start one), each
# against a reference measured in the same run on the same server: the same 7 MB request with
# its last hash made invalid, which the server reads, parses and checks in full and then
# refuses before any database work. "check − reference" is what the database part costs.
#
# Two ROOMs of one account, each with its own phone:
#   empty  ROOM 1 holds nothing: all 100,000 hashes are missing and sent back (a first backup;
#          what scripts/bench-upload.sh measured)
#   held   ROOM 2 holds ITEMS items, half of the asked hashes among them (a later backup):
#          50,000 are sent back
# Every answer is checked (count, order) before it is timed.
#
# Usage: scripts/bench-missing.sh
# Environment (defaults in brackets):
#   STACKS="sqlite postgres"  stacks to measure (postgres is skipped when scripts/pg.sh cannot
#                             start a cluster; scripts/ensure-tools.sh test installs PostgreSQL)
#   ITEMS=100000              items in the "held" ROOM (at least 50,000)
#   RUNS=5                    timed requests per case; the median and the best are printed
#   PROFILE=release           cargo profile to build and run (debug: no release build)
#   SKIP_BUILD=1              use the binary already built
#   HAKO=path                 run this `hako` binary instead (e.g. an older build)
#   MAX_SECS=0.2              with it, exit 1 when a check's median is over this many seconds
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source scripts/env.sh

stacks=${STACKS:-sqlite postgres}
items=${ITEMS:-100000}
runs=${RUNS:-5}
profile=${PROFILE:-release}
((items >= 50000)) || { echo "ITEMS must be at least 50,000" >&2; exit 2; }
[[ $profile == debug ]] && profile=dev
if [[ -z ${HAKO:-} && -z ${SKIP_BUILD:-} ]]; then
  echo "== cargo build --profile $profile -p hako-api-shim"
  cargo build -q --profile "$profile" -p hako-api-shim
fi
dir=$profile
[[ $profile == dev ]] && dir=debug
hako=${HAKO:-$root/target/$dir/hako}
[[ -x $hako ]] || { echo "no $hako (build it, or set HAKO)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hako-bench-missing.XXXX")
server_pid=
pg_dir=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n $pg_dir ]]; then scripts/pg.sh stop "$pg_dir" 2>/dev/null || true; rm -rf "$pg_dir"; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export LANG=C HAKO_PASSWORD="bench-missing passphrase 2026"
email=bench@example.jp

# ---------------------------------------------------------------- inputs, shared by all stacks
# asked.json: 100,000 hashes; reference.json: the same with the last one not a hash;
# held.tsv: the "held" ROOM's hashes (every even-numbered asked one, then fillers), one a line.
python3 - "$work" "$items" <<'EOF'
import hashlib, json, sys
work, items = sys.argv[1], int(sys.argv[2])
h = lambda s: hashlib.sha256(s.encode()).hexdigest()
asked = [h(f"asked {i}") for i in range(100_000)]
json.dump({"sha256": asked}, open(f"{work}/asked.json", "w"))
json.dump({"sha256": asked[:-1] + ["not a sha-256"]}, open(f"{work}/reference.json", "w"))
held = asked[0::2] + [h(f"filler {i}") for i in range(items - 50_000)]
open(f"{work}/held.txt", "w").write("\n".join(held) + "\n")
EOF
echo "== inputs: 100,000 hashes ($(stat -c %s "$work/asked.json") bytes of JSON); the held ROOM: $items items"

# ---------------------------------------------------------------- helpers
psql_bin() {
  if command -v psql >/dev/null; then command -v psql; else echo /usr/lib/postgresql/15/bin/psql; fi
}
db_query() { # SQL -> rows
  if [[ -n ${HAKO_DATABASE_URL:-} ]]; then
    "$(psql_bin)" -X -q -tA -v ON_ERROR_STOP=1 "$HAKO_DATABASE_URL" -c "$1"
  else
    python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, row)))' \
      "$data/hako.sqlite3" "$1"
  fi
}
# fill_room USER_ID ROOM: the items of held.txt, as plain rows (the triggers keep their totals),
# 1,000 to a statement, each statement its own transaction: on PostgreSQL one transaction of
# 100,000 rows takes minutes, every row's trigger updating the same room_totals row again.
fill_room() {
  python3 - "$work/held.txt" "$1" "$2" >"$work/fill.sql" <<'EOF'
import sys
hashes = open(sys.argv[1]).read().split()
user, room = int(sys.argv[2]), int(sys.argv[3])
for start in range(0, len(hashes), 1000):
    rows = ",\n".join(
        f"({user}, {room}, 'photo', '{h}', 1000, 'IMG_{start + i:06}.jpg', {1_600_000_000 + start + i}, 1700000000, {1_600_000_000 + start + i})"
        for i, h in enumerate(hashes[start:start + 1000]))
    print("INSERT INTO items (user_id, room, kind, sha256, size, name, created_at, uploaded_at, local_time) VALUES")
    print(rows + ";")
EOF
  if [[ -n ${HAKO_DATABASE_URL:-} ]]; then
    "$(psql_bin)" -X -q -v ON_ERROR_STOP=1 "$HAKO_DATABASE_URL" -f "$work/fill.sql" >/dev/null
    "$(psql_bin)" -X -q "$HAKO_DATABASE_URL" -c "ANALYZE items" >/dev/null
  else
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.executescript(open(sys.argv[2]).read())' "$data/hako.sqlite3" "$work/fill.sql"
  fi
}
start_server() {
  local port=$1
  RUST_LOG=warn "$hako" serve --listen "127.0.0.1:$port" --data "$data" >"$work/server.log" 2>&1 &
  server_pid=$!
  url=http://127.0.0.1:$port
  local tries=0
  until curl -sf "$url/api/health" >/dev/null; do
    ((++tries < 300)) || { echo "the server did not start:"; tail "$work/server.log"; exit 1; }
    kill -0 "$server_pid" 2>/dev/null || { echo "the server died:"; tail "$work/server.log"; exit 1; }
    sleep 0.1
  done
}
stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
phone_in_room() { # ROOM -> a device token of a new phone registered there
  local token
  token=$(curl -sf -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$HAKO_PASSWORD\",\"name\":\"Bench $1\",\"os\":\"android\",\"model\":\"Bench\"}" \
    "$url/api/v1/devices/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["device_token"])')
  curl -sf -o /dev/null -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"room\":$1}" "$url/api/v1/device/register"
  echo "$token"
}
ask() { # token body-file out-file -> "http-code seconds"
  curl -s -o "$3" -w '%{http_code} %{time_total}' -H "authorization: Bearer $1" \
    -H 'content-type: application/json' --data-binary @"$2" "$url/api/v1/device/missing"
}
# check_answer FILE EXPECTED: the missing list is every asked hash (EXPECTED=all) or every
# odd-numbered one (EXPECTED=odd), in the order asked.
check_answer() {
  python3 - "$work/asked.json" "$1" "$2" <<'EOF'
import json, sys
asked = json.load(open(sys.argv[1]))["sha256"]
got = json.load(open(sys.argv[2]))["missing"]
want = asked if sys.argv[3] == "all" else asked[1::2]
if got != want:
    sys.exit(f"wrong answer: {len(got)} missing, {len(want)} expected")
EOF
}
# time_case NAME TOKEN BODY CODE: RUNS timed requests after one untimed; prints and records
# the median and the best.
time_case() {
  local name=$1 token=$2 body=$3 code=$4 res times=()
  res=$(ask "$token" "$body" "$work/answer.json")
  [[ ${res%% *} == "$code" ]] || { echo "$name: HTTP ${res%% *}, expected $code"; cat "$work/answer.json"; exit 1; }
  for ((i = 0; i < runs; i++)); do
    res=$(ask "$token" "$body" "$work/answer.json")
    [[ ${res%% *} == "$code" ]] || { echo "$name: HTTP ${res%% *}, expected $code"; exit 1; }
    times+=("${res#* }")
  done
  local stats
  stats=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "%.3f %.3f", t[int((NR + 1) / 2)], t[1] }')
  printf '   %-50s median %s s  best %s s\n' "$name" "${stats% *}" "${stats#* }"
  medians[$name]=${stats% *}
}

declare -A medians
over=0
port=${PORT:-18480}
pg_port=${PG_PORT:-15480}
for stack in $stacks; do
  echo "== $stack"
  data=$work/data-$stack
  mkdir -p "$data"
  unset HAKO_DATABASE_URL
  if [[ $stack == postgres ]]; then
    pg_dir=$(mktemp -d /tmp/hako-bench-missing-pg.XXXX)
    if ! HAKO_DATABASE_URL=$(scripts/pg.sh start "$pg_dir" "$pg_port" 2>"$work/pg.log"); then
      echo "   skipped: scripts/pg.sh could not start PostgreSQL: $(head -c 300 "$work/pg.log")"
      rm -rf "$pg_dir"
      pg_dir=
      continue
    fi
    export HAKO_DATABASE_URL
  fi
  export HAKO_DATA=$data
  "$hako" user add "$email" >"$work/useradd.log" 2>&1 || { cat "$work/useradd.log"; exit 1; }
  start_server "$port"
  empty_token=$(phone_in_room 1)
  held_token=$(phone_in_room 2)
  user_id=$(db_query "SELECT id FROM users WHERE email = '$email'")
  fill_room "$user_id" 2
  [[ $(db_query "SELECT count(*) FROM items WHERE user_id = $user_id AND room = 2") == "$items" ]] ||
    { echo "the held ROOM was not filled"; exit 1; }
  # Answers first: a fast wrong answer is no result.
  ask "$empty_token" "$work/asked.json" "$work/answer.json" >/dev/null
  check_answer "$work/answer.json" all
  ask "$held_token" "$work/asked.json" "$work/answer.json" >/dev/null
  check_answer "$work/answer.json" odd

  time_case "$stack reference (parse + check, refused)" "$empty_token" "$work/reference.json" 400
  time_case "$stack check, empty ROOM (100,000 missing)" "$empty_token" "$work/asked.json" 200
  time_case "$stack check, ROOM of $items (50,000 missing)" "$held_token" "$work/asked.json" 200
  ref=${medians["$stack reference (parse + check, refused)"]}
  for name in "$stack check, empty ROOM (100,000 missing)" "$stack check, ROOM of $items (50,000 missing)"; do
    med=${medians[$name]}
    awk -v n="${name#"$stack "}" -v m="$med" -v r="$ref" 'BEGIN {
      printf "   %-50s check - reference %.3f s, check / reference %.1f\n", n, m - r, m / r }'
    if [[ -n ${MAX_SECS:-} ]] && awk -v m="$med" -v x="$MAX_SECS" 'BEGIN { exit !(m > x) }'; then
      echo "   over MAX_SECS=$MAX_SECS s: $name"
      over=1
    fi
  done
  stop_server
  if [[ -n $pg_dir ]]; then scripts/pg.sh stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; pg_dir=; fi
  port=$((port + 1))
  pg_port=$((pg_port + 1))
done
exit "$over"
