#!/usr/bin/env bash
# Scale benchmark (SPEC X3): on each storage "stack", side by side in one run, Hako against a
# plain reference on the same machine, then docs/PERFORMANCE.md and docs/performance.png.
#   1. tus upload of one file by a phone (hako-device backup)   vs  cp + sync of the same file
#   2. ZIP download of ZIP_ITEMS files (POST /api/v1/downloads)  vs  cat of the same files
#   3. media processing of PHOTOS 12 MP photos by the server     vs  vipsthumbnail, same sizes
#      (wall-clock, the server's media workers on every core)
#   4. timeline req/s under wrk (month list and one month page of an ITEMS-item ROOM),
#      one instance and, where the stack allows it, two instances on the same database
#   5. writers: WRITER_PHONES phones of as many accounts back up WRITER_FILES small files
#      each, all at once, into one instance and into two (where the stack allows it)
#   6. peak RSS (VmHWM) of every server process in every part
#
# Usage: scripts/bench-scale.sh
# Environment (defaults in brackets):
#   STACKS="sqlite postgres s3"  stacks to measure (s3: PostgreSQL + SeaweedFS, needs `weed`)
#   ITEMS=100000              bench-fixture items for the timeline part (over YEARS=20 years)
#   UPLOAD_MIB=200            size of the uploaded file
#   PHOTOS=50                 photos for the media part; the ZIP takes ZIP_ITEMS=50 files (the
#                             uploaded file and the first photos)
#   WRK_SECS=10 WRK_CONNS=16  wrk duration per run and total open connections
#   WRITER_PHONES=8 WRITER_FILES=250 WRITER_KIB=64   part 5's phones, files per phone, file size
#   WRITER_DB_DELAY_MS=1      part 5 again with PostgreSQL this far away, each way
#   PARTS="upload media zip timeline writers"        the parts to run (a subset for a quick look)
#   SKIP_BUILD=1              use the binaries already in target/release
#   OUT=docs/PERFORMANCE.md   the report (the chart goes next to it as performance.png)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source scripts/env.sh

stacks=${STACKS:-sqlite postgres s3}
items=${ITEMS:-100000}
years=${YEARS:-20}
upload_mib=${UPLOAD_MIB:-200}
photos=${PHOTOS:-50}
zip_items=${ZIP_ITEMS:-50}
if ((zip_items > photos + 1)); then zip_items=$((photos + 1)); fi
wrk_secs=${WRK_SECS:-10}
wrk_conns=${WRK_CONNS:-16}
writer_phones=${WRITER_PHONES:-8}
writer_files=${WRITER_FILES:-250}
writer_kib=${WRITER_KIB:-64}
writer_db_delay_ms=${WRITER_DB_DELAY_MS:-1}
parts=" ${PARTS:-upload media zip timeline writers} "
out=${OUT:-docs/PERFORMANCE.md}
command_line="$(for v in STACKS ITEMS YEARS UPLOAD_MIB PHOTOS ZIP_ITEMS WRK_SECS WRK_CONNS WRITER_PHONES WRITER_FILES WRITER_KIB WRITER_DB_DELAY_MS PARTS; do
  if [[ -n ${!v:-} ]]; then printf '%s=%q ' "$v" "${!v}"; fi
done)scripts/bench-scale.sh"
started=$(date +%s)
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- tools
need_apt() { # $1 = command, $2 = Debian package
  command -v "$1" >/dev/null && return
  echo "== installing $2 (apt-get)"
  local sudo_cmd=""
  [[ $(id -u) == 0 ]] || sudo_cmd=sudo
  $sudo_cmd apt-get install -y -qq "$2" >/dev/null 2>&1 ||
    { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$2" >/dev/null; }
}
need_apt wrk wrk
need_apt vipsthumbnail libvips-tools
need_apt ffmpeg ffmpeg
need_apt sqlite3 sqlite3
venv=scripts/.venv-bench
if ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
  echo "== making $venv (matplotlib from PyPI)"
  python3 -m venv "$venv"
  echo '*' >"$venv/.gitignore"
  "$venv/bin/pip" install -q matplotlib
fi
if [[ -z ${SKIP_BUILD:-} ]]; then
  echo "== cargo build --release -p hako-api-shim -p hako-device --features fixtures"
  cargo build --release -q -p hako-api-shim -p hako-device --features fixtures
fi
hako=$root/target/release/hako
device=$root/target/release/hako-device

# ---------------------------------------------------------------- clean-up
work=$(mktemp -d "$root/target/bench-scale.XXXX")
servers=()
pg_dirs=()
s3_dirs=()
cleanup() {
  local status=$? pid dir log
  if ((status != 0)); then # what the servers said, before their logs go
    for log in "$work"/*.log; do
      echo "== $log"
      grep -v ' INFO \| DEBUG ' "$log" | tail -n 15 || true
    done
  fi
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  for dir in "${pg_dirs[@]}"; do scripts/pg.sh stop "$dir" 2>/dev/null || true; rm -rf "$dir"; done
  for dir in "${s3_dirs[@]}"; do scripts/s3.sh stop "$dir" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

results=$work/results.tsv
: >"$results"
record() { # stack key value
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"
  printf '   %-24s %s\n' "$2" "$3"
}
now() { date +%s.%N; }
want() { [[ $parts == *" $1 "* ]]; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# ---------------------------------------------------------------- inputs, shared by all stacks
export LANG=C HAKO_PASSWORD="bench-scale passphrase 2026"
echo "== inputs: a $upload_mib MiB file, $photos photos of 4000x3000"
mkdir -p "$work/phone-upload" "$work/phone-photos"
head -c "$((upload_mib * 1024 * 1024))" /dev/urandom >"$work/phone-upload/VID_upload.mp4"
ffmpeg -v error -f lavfi -i "testsrc2=size=4000x3000:rate=1" -frames:v "$photos" -q:v 3 \
  "$work/phone-photos/IMG_%04d.jpg"
sync

# vipsthumbnail: same two sizes and qualities as bench-thumbnails.sh; the reference for part 3.
mkdir "$work/vips"
t0=$(now)
for f in "$work"/phone-photos/*.jpg; do
  vipsthumbnail "$f" -s 256 -o "$work/vips/%s.thumb.jpg[Q=78]"
  vipsthumbnail "$f" -s 1440 -o "$work/vips/%s.preview.jpg[Q=85]"
done
vips_pps=$(calc "$photos / ($(now) - $t0)")
rm -rf "$work/vips"

# cp + sync: the reference for part 1.
cp_mbs() {
  local t0 t1 bytes
  bytes=$(stat -c %s "$work/phone-upload/VID_upload.mp4")
  sync
  t0=$(now)
  cp "$work/phone-upload/VID_upload.mp4" "$work/copy.bin"
  sync
  t1=$(now)
  rm -f "$work/copy.bin"
  calc "$bytes / 1e6 / ($t1 - $t0)" 1
}

# ---------------------------------------------------------------- servers
# start_server NAME [N]: `hako serve` number N (default 1) on port BASE_PORT+N with this
# stack's environment (the phone keeps the first one's address between parts).
# Sets $server_pid and $server_url; its log is $work/NAME.log.
base_port=${BASE_PORT:-18400}
start_server() {
  local name=$1 port=$((base_port + ${2:-1}))
  RUST_LOG=warn,hako_api_shim::media=debug NO_COLOR=1 \
    "$hako" serve --listen "127.0.0.1:$port" --data "$data" >"$work/$name.log" 2>&1 &
  server_pid=$!
  servers+=("$server_pid")
  server_url=http://127.0.0.1:$port
  local tries=0
  until curl -sf "$server_url/api/health" >/dev/null; do
    ((++tries < 300)) || { echo "server $name did not start:"; tail "$work/$name.log"; exit 1; }
    kill -0 "$server_pid" 2>/dev/null || { echo "server $name died:"; tail "$work/$name.log"; exit 1; }
    sleep 0.1
  done
}
peak_rss_mib() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
# start_servers NAME N: instances 1..N as NAME-i; their pids and URLs in $pids and $urls.
start_servers() {
  local i
  pids=() urls=()
  for ((i = 1; i <= $2; i++)); do
    start_server "$1-$i" "$i"
    pids+=("$server_pid") urls+=("$server_url")
  done
}
# stop_servers STACK KEY: records the peak RSS of each of $pids ("a/b") as KEY, stops them.
stop_servers() {
  local pid rss_list=()
  for pid in "${pids[@]}"; do rss_list+=("$(peak_rss_mib "$pid")"); stop_server "$pid"; done
  record "$1" "$2" "$(
    IFS=/
    echo "${rss_list[*]}"
  )"
}
signin() { # url email jar
  curl -sf -c "$3" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$2\",\"password\":\"$HAKO_PASSWORD\"}" "$1/api/v1/auth/signin" >/dev/null
}
cookie_header() { # jar -> "name=value"
  awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) print $6 "=" $7 }' "$1" | head -n1
}
db_query() { # SQL -> rows
  if [[ -n ${HAKO_DATABASE_URL:-} ]]; then
    psql -X -q -tA "$HAKO_DATABASE_URL" -c "$1"
  else
    sqlite3 "$data/hako.sqlite3" "$1"
  fi
}

# ---------------------------------------------------------------- stacks
start_sqlite_stack() {
  unset HAKO_DATABASE_URL
  instances_max=1
  stack_note="SQLite + data folder: one instance only (SQLite is single-machine by design, SPEC X3)."
}
pg_port=${PG_PORT:-15432}
start_postgres_stack() {
  local dir
  dir=$(mktemp -d /tmp/hako-bench-pg.XXXX)
  pg_dirs+=("$dir")
  pg_port=$((pg_port + 1))
  # Durable, as in use: a commit waits for its WAL to reach the disk.
  HAKO_DATABASE_URL=$(HAKO_PG_DURABLE=1 scripts/pg.sh start "$dir" "$pg_port")
  export HAKO_DATABASE_URL
  instances_max=2
  stack_note="PostgreSQL (private cluster from scripts/pg.sh, durable: fsync and synchronous commits on) + one data folder shared by the instances."
}
# S3 stack: PostgreSQL + stored files in a throwaway SeaweedFS bucket (scripts/s3.sh), given to
# `hako serve` through the [s3] section of a config file (HAKO_CONFIG).
start_s3_stack() {
  if ! command -v weed >/dev/null; then
    stack_note="skipped: weed is not on PATH (scripts/ensure-tools.sh test installs it)."
    return 1
  fi
  local dir=$work/s3
  s3_dirs+=("$dir")
  eval "$(scripts/s3.sh start "$dir" "${S3_PORT:-18490}")"
  cat >"$work/s3.toml" <<EOF
[s3]
endpoint = "$HAKO_S3_ENDPOINT"
bucket = "$HAKO_S3_BUCKET"
region = "us-east-1"
access_key_id = "$HAKO_S3_KEY"
secret_access_key = "$HAKO_S3_SECRET"
prefix = "bench-$$/"
EOF
  export HAKO_CONFIG=$work/s3.toml
  start_postgres_stack
  stack_note="PostgreSQL (scripts/pg.sh) + stored files in a SeaweedFS bucket on loopback (scripts/s3.sh, [s3] in HAKO_CONFIG); the data folder is shared by the instances."
}

run_stack() {
  local stack=$1
  echo "== stack: $stack"
  data=$work/data-$stack
  mkdir -p "$data"
  export HAKO_DATA=$data HAKO_DEVICE_HOME=$work/device-$stack
  if ! "start_${stack}_stack"; then
    echo "   $stack_note"
    record "$stack" skipped "$stack_note"
    return
  fi
  # The account must be in the stack's own database (an old binary ignores HAKO_DATABASE_URL
  # and refuses an [s3] section).
  if ! "$hako" user add bench@example.jp >"$work/useradd-$stack.log" 2>&1 ||
    [[ $(db_query "SELECT count(*) FROM users" 2>/dev/null) != 1 ]]; then
    stack_note="skipped: \`hako user add\` did not work on this stack's database (target/release/hako older than the $stack support?) $(grep -m1 -i 'error' "$work/useradd-$stack.log" || true)"
    echo "   $stack_note"
    record "$stack" skipped "$stack_note"
    unset HAKO_DATABASE_URL HAKO_CONFIG
    return
  fi
  record "$stack" note "$stack_note"

  # 1. Upload: hako-device hashes the file and sends it through tus, vs cp + sync.
  if want upload; then
  echo "-- 1. upload ($upload_mib MiB)"
  start_server upload
  "$device" login --server "$server_url" --email bench@example.jp >/dev/null
  "$device" register --room 1 --wipe >/dev/null
  record "$stack" upload.cp_mbs "$(cp_mbs)"
  local t0 t1 bytes
  bytes=$(stat -c %s "$work/phone-upload/VID_upload.mp4")
  if [[ $stack == s3 ]]; then
    # Into a bucket, also a plain signed PUT of the same bytes to the same bucket with curl,
    # best of 3 (the store's first write to a new bucket also makes its volumes).
    local put best_put=0
    for put in 1 2 3; do
      t0=$(now)
      curl -sSf --aws-sigv4 aws:amz:us-east-1:s3 --user "$HAKO_S3_KEY:$HAKO_S3_SECRET" \
        -T "$work/phone-upload/VID_upload.mp4" "$HAKO_S3_ENDPOINT/$HAKO_S3_BUCKET/reference-put-$$-$put"
      t1=$(now)
      best_put=$(awk -v b="$best_put" "BEGIN { v = $bytes / 1e6 / ($t1 - $t0); printf \"%.1f\", (v > b ? v : b) }")
    done
    record "$stack" upload.put_mbs "$best_put"
  fi
  t0=$(now)
  "$device" backup "$work/phone-upload" >/dev/null
  t1=$(now)
  record "$stack" upload.hako_mbs "$(calc "$bytes / 1e6 / ($t1 - $t0)" 1)"
  record "$stack" upload.rss_mib "$(peak_rss_mib "$server_pid")"
  stop_server "$server_pid"
  fi

  # 3. Media processing: the photos go up with the media workers off, then a server with its
  # workers (one per core) makes the thumbnails and previews; photos / wall-clock time from
  # its start to no photo pending. (The ZIP part downloads these photos and part 1's file.)
  if want media; then
  echo "-- 3. media processing ($photos photos)"
  # A top-level key, so it goes before any [section] of the stack's config file.
  { echo "media_worker = false"; [[ -z ${HAKO_CONFIG:-} ]] || cat "$HAKO_CONFIG"; } >"$work/no-media.toml"
  HAKO_CONFIG=$work/no-media.toml start_server photos-up
  "$device" backup "$work/phone-photos" >/dev/null
  stop_server "$server_pid"
  local tries=0 pending media_t0 media_t1
  media_t0=$(now)
  start_server media
  local media_pid=$server_pid
  # The photos' jobs only: part 1's video may still be leased by its stopped server (on
  # PostgreSQL a lease outlives its server until it expires).
  while pending=$(db_query "SELECT count(*) FROM media JOIN items ON items.id = media.item_id
      WHERE media.status = 'pending' AND items.name LIKE '%.jpg'") && ((pending > 0)); do
    ((++tries < 6000)) || { echo "media jobs did not finish"; exit 1; }
    sleep 0.05
  done
  media_t1=$(now)
  local done_count
  done_count=$(db_query "SELECT count(*) FROM media JOIN items ON items.id = media.item_id
    WHERE media.status <> 'pending' AND items.name LIKE '%.jpg'")
  record "$stack" media.processed "$done_count"
  record "$stack" media.hako_pps "$(calc "$done_count / ($media_t1 - $media_t0)")"
  record "$stack" media.vips_pps "$vips_pps"
  record "$stack" media.rss_mib "$(peak_rss_mib "$media_pid")"
  stop_server "$media_pid"
  fi

  # 2. ZIP download of the photos through a ticket, vs cat of the same files.
  local jar=$work/jar-$stack
  if want zip; then
  echo "-- 2. ZIP download ($zip_items files)"
  start_server zip
  local ids files=() best_zip=0 best_cat=0 run res ticket url
  signin "$server_url" bench@example.jp "$jar"
  # The uploaded file and the first photos: ZIP_ITEMS files in all.
  mapfile -t files < <(echo "$work/phone-upload/VID_upload.mp4"; ls "$work"/phone-photos/*.jpg | head -n "$((zip_items - 1))")
  local names
  names=$(printf "'%s'," "${files[@]##*/}")
  ids=$(db_query "SELECT id FROM items WHERE name IN (${names%,}) ORDER BY id" | paste -sd, -)
  # In a bucket, the reference is also the same objects fetched one after the other by one
  # curl (signed GETs on one connection): their keys end with blobs/xx/SHA-256.
  local get_config=$work/get-$stack.curl best_get=0
  if [[ $stack == s3 ]]; then
    curl -sSf --aws-sigv4 aws:amz:us-east-1:s3 --user "$HAKO_S3_KEY:$HAKO_S3_SECRET" \
      "$HAKO_S3_ENDPOINT/$HAKO_S3_BUCKET?list-type=2&max-keys=1000&prefix=bench-$$" >"$work/listing.xml"
    db_query "SELECT sha256 FROM items WHERE id IN ($ids) ORDER BY id" |
      python3 -c '
import re, sys
keys = re.findall(r"<Key>([^<]+)</Key>", open(sys.argv[1]).read())
for sha in sys.stdin.read().split():
    key = next(k for k in keys if k.endswith("/blobs/" + sha[:2] + "/" + sha))
    print(f"url = \"{sys.argv[2]}/{key}\"\noutput = \"/dev/null\"")
' "$work/listing.xml" "$HAKO_S3_ENDPOINT/$HAKO_S3_BUCKET" >"$get_config"
  fi
  for run in 1 2 3; do
    ticket=$(curl -sf -b "$jar" -H 'Content-Type: application/json' \
      -d "{\"item_ids\":[$ids]}" "$server_url/api/v1/downloads")
    url=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])' <<<"$ticket")
    res=$(curl -sf -b "$jar" -o /dev/null -w '%{size_download} %{time_total}' "$server_url$url")
    best_zip=$(awk -v r="$res" -v b="$best_zip" 'BEGIN { split(r, a, " "); v = a[1] / 1e6 / a[2]; printf "%.1f", (v > b ? v : b) }')
    t0=$(now)
    cat "${files[@]}" >/dev/null
    t1=$(now)
    bytes=$(cat "${files[@]}" | wc -c)
    best_cat=$(awk -v b="$best_cat" "BEGIN { v = $bytes / 1e6 / ($t1 - $t0); printf \"%.1f\", (v > b ? v : b) }")
    if [[ $stack == s3 ]]; then
      t0=$(now)
      curl -sSf --aws-sigv4 aws:amz:us-east-1:s3 --user "$HAKO_S3_KEY:$HAKO_S3_SECRET" -K "$get_config"
      t1=$(now)
      best_get=$(awk -v b="$best_get" "BEGIN { v = $bytes / 1e6 / ($t1 - $t0); printf \"%.1f\", (v > b ? v : b) }")
    fi
  done
  [[ $stack != s3 ]] || record "$stack" zip.get_mbs "$best_get"
  record "$stack" zip.items "$(tr ',' '\n' <<<"$ids" | wc -l)"
  record "$stack" zip.bytes "$(awk -v r="$res" 'BEGIN { split(r, a, " "); print a[1] }')"
  record "$stack" zip.hako_mbs "$best_zip"
  record "$stack" zip.cat_mbs "$best_cat"
  record "$stack" zip.rss_mib "$(peak_rss_mib "$server_pid")"
  stop_server "$server_pid"
  fi

  # 4. Timeline under wrk, on a bench-fixture account.
  local n pids urls
  if want timeline; then
  echo "-- 4. timeline ($items items over $years years; fixture first)"
  t0=$(now)
  "$hako" bench-fixture --email fixture@example.jp --items "$items" --years "$years" >/dev/null
  record "$stack" fixture.secs "$(calc "$(now) - $t0" 1)"
  local cookie month
  for n in 1 2; do
    ((n <= instances_max)) || continue
    start_servers "timeline$n" "$n"
    signin "${urls[0]}" fixture@example.jp "$jar"
    cookie=$(cookie_header "$jar")
    month=$(curl -sf -b "$jar" "${urls[0]}/api/v1/rooms/1/timeline" |
      python3 -c 'import json,sys; m = json.load(sys.stdin)["months"]; print(m[len(m) // 2]["month"])')
    local path what
    for what in list month; do
      path=/api/v1/rooms/1/timeline
      [[ $what == month ]] && path=/api/v1/rooms/1/timeline/$month
      # One wrk per instance, all at once; the total connections are split between them.
      local wpids=()
      for ((i = 0; i < n; i++)); do
        wrk -t $((2 / n)) -c $((wrk_conns / n)) -d "${wrk_secs}s" --latency -H "Cookie: $cookie" \
          "${urls[i]}$path" >"$work/wrk-$stack-$n-$what-$i.txt" 2>&1 &
        wpids+=($!)
      done
      for pid in "${wpids[@]}"; do wait "$pid"; done
      local rps=0 p50=0 p99=0 non2xx=0 f
      for ((i = 0; i < n; i++)); do
        f=$work/wrk-$stack-$n-$what-$i.txt
        rps=$(awk -v s="$rps" '/^Requests\/sec/ { s += $2 } END { printf "%.0f", s }' "$f")
        non2xx=$(awk -v s="$non2xx" '/Non-2xx/ { s += $NF } END { print s + 0 }' "$f")
        # Latency percentiles in ms (the worst instance's).
        p50=$(awk -v w="$p50" '$1 == "50%" { v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
          v *= (u == "us" ? 0.001 : u == "s" ? 1000 : 1); w = (v > w ? v : w) } END { printf "%.2f", w }' "$f")
        p99=$(awk -v w="$p99" '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
          v *= (u == "us" ? 0.001 : u == "s" ? 1000 : 1); w = (v > w ? v : w) } END { printf "%.2f", w }' "$f")
      done
      ((non2xx == 0)) || { echo "wrk got $non2xx non-2xx answers:"; cat "$work/wrk-$stack-$n-$what-0.txt"; exit 1; }
      record "$stack" "timeline.$what.$n.rps" "$rps"
      record "$stack" "timeline.$what.$n.p50_ms" "$p50"
      record "$stack" "timeline.$what.$n.p99_ms" "$p99"
    done
    record "$stack" timeline.month "$month"
    record "$stack" timeline.list.bytes "$(curl -sf -b "$jar" -o /dev/null -w '%{size_download}' "${urls[0]}/api/v1/rooms/1/timeline")"
    record "$stack" timeline.month.bytes "$(curl -sf -b "$jar" -o /dev/null -w '%{size_download}' "${urls[0]}/api/v1/rooms/1/timeline/$month")"
    stop_servers "$stack" "timeline.$n.rss_mib"
  done
  fi

  # 5. Writers: phones of different accounts back up at the same time (SPEC X3): their
  # writes take turns per account only, so two instances may share the work. On PostgreSQL
  # also with the database "on another machine": every packet to and from it held for
  # WRITER_DB_DELAY_MS by scripts/delay-proxy.py (the time a write transaction holds its lock).
  if want writers; then
    echo "-- 5. writers ($writer_phones phones of as many accounts, $writer_files files of $writer_kib KiB each)"
    local p f total=$((writer_phones * writer_files)) bpids delay delays=0 direct_url=${HAKO_DATABASE_URL:-}
    record "$stack" writers.shape "$writer_phones $writer_files $writer_kib"
    if [[ -n $direct_url ]]; then
      delays="0 $writer_db_delay_ms"
      local proxy_port=$((pg_port + 100))
      python3 scripts/delay-proxy.py "$proxy_port" 127.0.0.1 "$pg_port" "$writer_db_delay_ms" >"$work/proxy.log" 2>&1 &
      local proxy_pid=$!
      servers+=("$proxy_pid")
      until grep -q ready "$work/proxy.log"; do sleep 0.1; done
    fi
    for ((p = 1; p <= writer_phones; p++)); do
      "$hako" user add "writer$p@example.jp" >/dev/null
    done
    for delay in $delays; do
      if [[ $delay != 0 ]]; then
        export HAKO_DATABASE_URL=${direct_url/:$pg_port\//:$proxy_port/}
      fi
      for n in 1 2; do
        ((n <= instances_max)) || continue
        start_servers "writers$delay-$n" "$n"
        # New files for every run (a phone does not send a file the server has), a wiped ROOM,
        # and phone p talks to instance p mod n.
        for ((p = 1; p <= writer_phones; p++)); do
          rm -rf "$work/writer-$p"
          mkdir -p "$work/writer-$p"
          for ((f = 1; f <= writer_files; f++)); do
            head -c $((writer_kib * 1024)) /dev/urandom >"$work/writer-$p/DOC_$f.pdf"
          done
          HAKO_DEVICE_HOME=$work/writer-home-$p "$device" login --server "${urls[p % n]}" \
            --email "writer$p@example.jp" >/dev/null
          HAKO_DEVICE_HOME=$work/writer-home-$p "$device" register --room 1 --wipe >/dev/null
        done
        sync
        bpids=()
        t0=$(now)
        for ((p = 1; p <= writer_phones; p++)); do
          HAKO_DEVICE_HOME=$work/writer-home-$p "$device" backup "$work/writer-$p" >/dev/null &
          bpids+=($!)
        done
        for pid in "${bpids[@]}"; do wait "$pid"; done
        t1=$(now)
        local stored
        stored=$(db_query "SELECT count(*) FROM items JOIN users ON users.id = items.user_id
          WHERE users.email LIKE 'writer%'")
        ((stored == total)) || { echo "writers: $stored items stored, $total sent"; exit 1; }
        record "$stack" "writers.$delay.$n.files_per_s" "$(calc "$total / ($t1 - $t0)" 1)"
        stop_servers "$stack" "writers.$delay.$n.rss_mib"
      done
    done
    if [[ -n $direct_url ]]; then
      export HAKO_DATABASE_URL=$direct_url
      stop_server "$proxy_pid"
    fi
  fi
  unset HAKO_DATABASE_URL HAKO_CONFIG
}

for stack in $stacks; do
  run_stack "$stack"
done

# ---------------------------------------------------------------- report
elapsed=$(($(date +%s) - started))
mkdir -p "$(dirname "$out")"
# The raw figures are kept beside the report, so it can be rendered again without a run.
mkdir -p docs/bench
cp "$results" docs/bench/scale.tsv
"$venv/bin/python" scripts/bench-scale-report.py "$results" "$out" "$(dirname "$out")/performance.png" \
  "$command_line" "$elapsed" "$items" "$years" "$upload_mib" "$photos" "$wrk_secs" "$wrk_conns" "$loadavg_start"
echo "== done in ${elapsed}s: $out, $(dirname "$out")/performance.png"
