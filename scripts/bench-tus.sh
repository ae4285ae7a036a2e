#!/usr/bin/env bash
# Hako's tus endpoint against the official tus Node server (@tus/server + @tus/file-store),
# driven by the same client: curl, one POST, then PATCHes of CHUNK_MIB sent one after the
# other with `--data-binary @chunk`. The file is split into chunk files (and hashed) before
# any timing; only the PATCH phase is timed. RUNS rounds (default 3), each Hako without a
# checksum header, @tus/server, Hako with `Upload-Checksum: crc32`. Prints MiB/s per run, the
# medians, Hako/@tus/server, and `cp FILE dest && sync` on the same disk for reference.
# Numbers only, no assertions. Uses the release binaries as they are (no cargo build). The
# medians also go to docs/bench/tus.tsv, which docs/PERFORMANCE.md shows (scripts/bench-scale.sh).
# Usage: scripts/bench-tus.sh [SIZE_MIB] (default 1024); env CHUNK_MIB (32), RUNS (3).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
chunk_mib=${CHUNK_MIB:-32}
runs=${RUNS:-3}
hako_port=${HAKO_PORT:-18191}
tus_port=${TUS_PORT:-18192}
export LANG=C LC_ALL=C

if [ ! -d scripts/bench-tus/node_modules/@tus/server ] || [ ! -d scripts/bench-tus/node_modules/@tus/file-store ]; then
  (cd scripts/bench-tus && npm ci --no-audit --no-fund >/dev/null)
fi
# The binaries may be being rebuilt by someone else: wait for them a little.
for _ in $(seq 60); do
  [ -x target/release/hako ] && [ -x target/release/hako-device ] && break
  sleep 2
done
hako=$PWD/target/release/hako
device=$PWD/target/release/hako-device

work=$(mktemp -d "$PWD/target/bench-tus.XXXX")
hako_pid='' tus_pid=''
cleanup() {
  [ -n "$hako_pid" ] && kill "$hako_pid" 2>/dev/null || true
  [ -n "$tus_pid" ] && kill "$tus_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
mibps() { awk -v mib="$size_mib" -v t0="$1" -v t1="$2" 'BEGIN { printf "%.1f", mib / (t1 - t0) }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
b64() { printf '%s' "$1" | base64 -w0; }

# --- The file, its chunks, its SHA-256 and the chunks' CRC32s, all before any timing ---------
name=VID_1.mp4
file=$work/$name
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$file"
length=$(stat -c %s "$file")
sha256=$(sha256sum "$file" | cut -d' ' -f1)
mkdir "$work/chunks"
split -b "${chunk_mib}M" -d -a 5 "$file" "$work/chunks/c."
chunks=("$work"/chunks/c.*)
sizes=() crcs=()
for c in "${chunks[@]}"; do sizes+=("$(stat -c %s "$c")"); done
mapfile -t crcs < <(python3 - "${chunks[@]}" <<'EOF'
import base64, struct, sys, zlib
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        print(base64.b64encode(struct.pack('>I', zlib.crc32(f.read()))).decode())
EOF
)
sync

# --- Reference: cp + sync on the same disk ----------------------------------------------------
t0=$(now); cp "$file" "$work/copy"; sync; t1=$(now)
cp_mibps=$(mibps "$t0" "$t1")
rm "$work/copy"; sync

# --- Hako: an account, a server, a phone in ROOM 1 ---------------------------------------------
export HAKO_DATA=$work/data HAKO_PASSWORD='benchmark passphrase'
"$hako" user add bench@example.jp >/dev/null
RUST_LOG=warn "$hako" serve --listen "127.0.0.1:$hako_port" --data "$work/data" >"$work/hako.log" 2>&1 &
hako_pid=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$hako_port/api/health" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$hako_port/api/health" >/dev/null || { cat "$work/hako.log"; exit 1; }
# Two phones of the account: the same content is stored once per ROOM, and registering a phone
# again in its own ROOM changes nothing, so each Hako run is made by the phone not in ROOM 1,
# which first takes ROOM 1 with --wipe (deleting the previous run's file).
tokens=()
for phone in a b; do
  HAKO_DEVICE_HOME=$work/phone-$phone "$device" login --server "http://127.0.0.1:$hako_port" \
    --email bench@example.jp --name "bench-$phone" >/dev/null
  tokens+=("$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["device_token"])' \
    "$work/phone-$phone/session.json")")
done
HAKO_DEVICE_HOME=$work/phone-a "$device" register --room 1 --wipe >/dev/null
holder=a

# --- @tus/server with @tus/file-store ----------------------------------------------------------
mkdir "$work/tus"
node scripts/bench-tus/server.mjs "$tus_port" "$work/tus" >"$work/tus.log" 2>&1 &
tus_pid=$!
for _ in $(seq 300); do curl -sf -X OPTIONS "http://127.0.0.1:$tus_port/files" >/dev/null && break; sleep 0.1; done
curl -sf -X OPTIONS "http://127.0.0.1:$tus_port/files" >/dev/null || { cat "$work/tus.log"; exit 1; }

# POST: $1 = creation URL, $2 = base for a relative Location, rest = extra curl arguments.
create() {
  local url=$1 base=$2; shift 2
  local location
  curl -sS -D "$work/post.head" -o "$work/post.out" -X POST "$url" -H 'Tus-Resumable: 1.0.0' \
    -H "Upload-Length: $length" "$@"
  location=$(tr -d '\r' <"$work/post.head" | awk 'tolower($1) == "location:" { print $2 }')
  [ -n "$location" ] || { echo "no Location from POST $url:" >&2; cat "$work/post.head" "$work/post.out" >&2; exit 1; }
  case $location in http*) echo "$location" ;; *) echo "$base$location" ;; esac
}

# The PATCHes, one after the other: $1 = upload URL, $2 = crc32 or none, rest = curl arguments.
patch_all() {
  local url=$1 check=$2; shift 2
  local offset=0 i code extra
  for i in "${!chunks[@]}"; do
    extra=()
    [ "$check" = crc32 ] && extra=(-H "Upload-Checksum: crc32 ${crcs[$i]}")
    code=$(curl -sS -o "$work/patch.out" -w '%{http_code}' -X PATCH "$url" "$@" "${extra[@]}" \
      -H 'Tus-Resumable: 1.0.0' -H "Upload-Offset: $offset" -H 'Expect:' \
      -H 'Content-Type: application/offset+octet-stream' --data-binary "@${chunks[$i]}")
    [ "$code" = 204 ] || { echo "PATCH $url at $offset: HTTP $code $(cat "$work/patch.out")" >&2; exit 1; }
    offset=$((offset + sizes[i]))
  done
}

hako_run() { # $1 = none | crc32, $2 = the phone (a or b) not in ROOM 1; prints MiB/s
  HAKO_DEVICE_HOME=$work/phone-$2 "$device" register --room 1 --wipe >/dev/null
  sync
  local token=${tokens[0]}
  [ "$2" = b ] && token=${tokens[1]}
  local auth=(-H "Authorization: Bearer $token") url t0 t1
  url=$(create "http://127.0.0.1:$hako_port/api/v1/uploads" "http://127.0.0.1:$hako_port" "${auth[@]}" \
    -H "Upload-Metadata: filename $(b64 "$name"),sha256 $(b64 "$sha256")")
  t0=$(now); patch_all "$url" "$1" "${auth[@]}"; t1=$(now)
  sync
  mibps "$t0" "$t1"
}

tus_run() { # prints MiB/s
  find "$work/tus" -mindepth 1 -delete
  sync
  local url t0 t1
  url=$(create "http://127.0.0.1:$tus_port/files" "http://127.0.0.1:$tus_port" \
    -H "Upload-Metadata: filename $(b64 "$name")")
  t0=$(now); patch_all "$url" none; t1=$(now)
  cmp -s "$file" "$work/tus/${url##*/}" || { echo "@tus/server stored something else" >&2; exit 1; }
  sync # its writes are not fsynced: flush them untimed, so that the next run does not pay
  mibps "$t0" "$t1"
}

echo "tus PATCH phase, ${size_mib} MiB of random bytes in $((${#chunks[@]})) PATCHes of ${chunk_mib} MiB, curl --data-binary, loopback"
hako_plain=() hako_crc=() tus=()
for r in $(seq "$runs"); do
  holder=$([ "$holder" = a ] && echo b || echo a)
  hako_plain+=("$(hako_run none "$holder")")
  tus+=("$(tus_run)")
  holder=$([ "$holder" = a ] && echo b || echo a)
  hako_crc+=("$(hako_run crc32 "$holder")")
  printf 'run %d: Hako %8s MiB/s   @tus/server %8s MiB/s   Hako+crc32 %8s MiB/s\n' \
    "$r" "${hako_plain[-1]}" "${tus[-1]}" "${hako_crc[-1]}"
done
m_plain=$(median "${hako_plain[@]}") m_tus=$(median "${tus[@]}") m_crc=$(median "${hako_crc[@]}")
printf 'median: Hako %8s MiB/s   @tus/server %8s MiB/s   Hako+crc32 %8s MiB/s\n' "$m_plain" "$m_tus" "$m_crc"
awk -v p="$m_plain" -v c="$m_crc" -v t="$m_tus" -v cp="$cp_mibps" 'BEGIN {
  printf "Hako/@tus/server (same requests, no checksum): %.2f\n", p / t
  printf "Hako with crc32/@tus/server:                  %.2f\n", c / t
  printf "cp FILE dest && sync: %s MiB/s  (Hako/cp %.2f, Hako+crc32/cp %.2f, @tus/server/cp %.2f)\n", cp, p / cp, c / cp, t / cp }'
echo "(Hako fsyncs before answering the last PATCH; @tus/server does not: its run is followed by an untimed sync.)"
echo "versions: @tus/server $(node -p 'require("./scripts/bench-tus/node_modules/@tus/server/package.json").version')," \
  "@tus/file-store $(node -p 'require("./scripts/bench-tus/node_modules/@tus/file-store/package.json").version'), node $(node --version)"
mkdir -p docs/bench
{
  printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf 'commit\t%s\n' "$(git rev-parse --short HEAD)"
  printf 'command\tscripts/bench-tus.sh %s\n' "$size_mib"
  printf 'size_mib\t%s\nchunk_mib\t%s\n' "$size_mib" "$chunk_mib"
  printf 'hako_mibs\t%s\nhako_crc32_mibs\t%s\ntus_mibs\t%s\ncp_mibs\t%s\n' "$m_plain" "$m_crc" "$m_tus" "$cp_mibps"
  printf 'versions\t@tus/server %s, @tus/file-store %s, node %s\n' \
    "$(node -p 'require("./scripts/bench-tus/node_modules/@tus/server/package.json").version')" \
    "$(node -p 'require("./scripts/bench-tus/node_modules/@tus/file-store/package.json").version')" "$(node --version)"
} >docs/bench/tus.tsv
echo "written: docs/bench/tus.tsv"
