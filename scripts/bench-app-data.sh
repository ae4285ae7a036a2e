#!/usr/bin/env bash
# App data benchmark (SPEC P1, P4): save and restore latency of one app's data at 1 MiB and
# 25 MiB (the default cap), and a bulk backup of 50 apps in one request, each as a ratio to a
# reference measured in the same run on the same disk and loopback:
#   save    vs the same bytes sent to the server's tus endpoint (POST + one PATCH, curl), and
#           vs `cp` + `sync` of the file;
#   restore vs `cat` of the stored file (page cache warm, as the server's read is);
#   bulk    vs 50 single saves one after another, and vs `cp` of the 50 files + `sync`.
# Medians of several runs. Usage: scripts/bench-app-data.sh [RUNS] (default 7).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
cargo build --release -q -p hako-api-shim
work=$(mktemp -d "$PWD/target/bench-app-data.XXXX")
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=18183
base="http://127.0.0.1:$port"
export HAKO_DATA="$work/data" HAKO_PASSWORD="benchmark passphrase" LANG=C RUST_LOG=warn
hako=target/release/hako
$hako user add bench@example.jp >/dev/null
for n in $(seq -w 1 50); do
  $hako apps add "jp.example.app$n" --name-ja "アプリ$n" --name-en "App $n" >/dev/null
done
$hako serve --listen 127.0.0.1:$port >/dev/null 2>&1 & server=$!
until curl -sf "$base/api/health" >/dev/null; do sleep 0.1; done
token=$(curl -sf "$base/api/v1/devices/login" -H 'content-type: application/json' \
  -d '{"email":"bench@example.jp","password":"benchmark passphrase","name":"bench","os":"android","model":"m"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["device_token"])')
auth=(-H "authorization: Bearer $token")
curl -sf "${auth[@]}" "$base/api/v1/device/register" -H 'content-type: application/json' -d '{"room":1}' >/dev/null

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
etag_of() { curl -sfI "${auth[@]}" "$base/api/v1/app-data/$1" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r'; }

# One app's data: $1 MiB into app $2.
one() {
  local mib=$1 app=$2 file="$work/blob-$1"
  head -c "$((mib * 1024 * 1024))" /dev/urandom > "$file"
  curl -sf -o /dev/null "${auth[@]}" -X PUT -H 'if-none-match: *' --data-binary @"$file" "$base/api/v1/app-data/$app"
  local save=() tus=() cp=() get=() cat=()
  for run in $(seq "$runs"); do
    # A new version each run (the same bytes make a new version too; a changed first byte
    # makes it new content, as an app's change would).
    printf '%02x' "$run" | xxd -r -p | dd of="$file" bs=1 count=1 conv=notrunc status=none
    local etag; etag=$(etag_of "$app")
    save+=("$(curl -sf -o /dev/null -w '%{time_total}' "${auth[@]}" -X PUT -H "if-match: $etag" --data-binary @"$file" "$base/api/v1/app-data/$app")")
    get+=("$(curl -sf -o /dev/null -w '%{time_total}' "${auth[@]}" "$base/api/v1/app-data/$app")")
    # tus: create, then one PATCH with every byte (the same size, new content).
    printf '%02x' "$((run + 100))" | xxd -r -p | dd of="$file" bs=1 count=1 conv=notrunc status=none
    local sha t0 t1 location
    sha=$(sha256sum "$file" | cut -c1-64)
    t0=$(now)
    location=$(curl -sf -D - -o /dev/null "${auth[@]}" -X POST -H 'tus-resumable: 1.0.0' \
      -H "upload-length: $((mib * 1024 * 1024))" \
      -H "upload-metadata: filename $(printf 'doc-%s-%s.pdf' "$mib" "$run" | base64 -w0),sha256 $(printf %s "$sha" | base64 -w0),created_at $(printf 1700000000 | base64 -w0)" \
      "$base/api/v1/uploads" | awk -F': ' 'tolower($1)=="location" {print $2}' | tr -d '\r')
    curl -sf -o /dev/null "${auth[@]}" -X PATCH -H 'tus-resumable: 1.0.0' -H 'upload-offset: 0' \
      -H 'content-type: application/offset+octet-stream' --data-binary @"$file" "${location/#\//$base/}"
    t1=$(now); tus+=("$(echo "$t1 - $t0" | bc)")
    t0=$(now); cp "$file" "$work/copy"; sync; t1=$(now); rm "$work/copy"
    cp+=("$(echo "$t1 - $t0" | bc)")
    t0=$(now); cat "$file" > /dev/null; t1=$(now); cat+=("$(echo "$t1 - $t0" | bc)")
  done
  local s t c g k
  s=$(printf '%s\n' "${save[@]}" | median); t=$(printf '%s\n' "${tus[@]}" | median)
  c=$(printf '%s\n' "${cp[@]}" | median); g=$(printf '%s\n' "${get[@]}" | median)
  k=$(printf '%s\n' "${cat[@]}" | median)
  awk -v mib="$mib" -v s="$s" -v t="$t" -v c="$c" -v g="$g" -v k="$k" 'BEGIN {
    printf "%2d MiB  save %6.1f ms  | tus POST+PATCH %6.1f ms → save is %4.2f× tus speed | cp+sync %6.1f ms → %4.2f× cp speed\n",
      mib, s * 1000, t * 1000, t / s, c * 1000, c / s
    printf "%2d MiB  restore %6.1f ms (%5.0f MiB/s) | cat %6.2f ms\n", mib, g * 1000, mib / g, k * 1000 }'
}

echo "App data, median of $runs runs on loopback (release build, SQLite + data folder):"
one 1 jp.example.app01
one 25 jp.example.app02

# Bulk: 50 apps of 256 KiB each, first saves; then every app again over its version.
mkdir -p "$work/apps"
for n in $(seq -w 1 50); do head -c 262144 /dev/urandom > "$work/apps/jp.example.app$n"; done
curl -sf -o /dev/null "${auth[@]}" -X DELETE "$base/api/v1/app-data"
bulk=() single=() cp=()
for run in $(seq "$runs"); do
  for n in $(seq -w 1 50); do
    printf '%02x' "$run" | xxd -r -p | dd of="$work/apps/jp.example.app$n" bs=1 count=1 conv=notrunc status=none
  done
  form=()
  for n in $(seq -w 1 50); do form+=(-F "jp.example.app$n=@$work/apps/jp.example.app$n;headers=\"If-Match: *\""); done
  [ "$run" = 1 ] && form=("${form[@]//If-Match: \*/If-None-Match: *}")
  bulk+=("$(curl -sf -o "$work/bulk.json" -w '%{time_total}' "${auth[@]}" "${form[@]}" "$base/api/v1/app-data")")
  python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); assert b["saved"]==50, b' "$work/bulk.json"
  t0=$(now)
  for n in $(seq -w 1 50); do
    curl -sf -o /dev/null "${auth[@]}" -X PUT -H 'if-match: *' --data-binary @"$work/apps/jp.example.app$n" "$base/api/v1/app-data/jp.example.app$n"
  done
  t1=$(now); single+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); cp -r "$work/apps" "$work/apps-copy"; sync; t1=$(now); rm -r "$work/apps-copy"
  cp+=("$(echo "$t1 - $t0" | bc)")
done
b=$(printf '%s\n' "${bulk[@]}" | median); s=$(printf '%s\n' "${single[@]}" | median); c=$(printf '%s\n' "${cp[@]}" | median)
awk -v b="$b" -v s="$s" -v c="$c" 'BEGIN {
  printf "50 apps × 256 KiB  bulk %6.1f ms | 50 single saves %6.1f ms → bulk is %4.2f× | cp -r + sync %6.1f ms → %4.2f× cp speed\n",
    b * 1000, s * 1000, s / b, c * 1000, c / b }'
