#!/usr/bin/env bash
# Builds the release web viewer, server and device client, starts `hako serve` (extra
# arguments go to it), and the first time fills a demo account through the phone protocol.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/ensure-tools.sh build
trunk build --release
# The server with its demo data (the fixtures feature: `pkg/feature` would not take here)
# and the phone client, in one build so they share their dependencies.
cargo build --release -p hako-api-shim -p hako-device --features fixtures

listen=${HAKO_LISTEN:-127.0.0.1:8080}
data=${HAKO_DATA:-data}
args=("$@")
for ((i = 0; i + 1 < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --listen) listen=${args[$((i + 1))]} ;;
    --data) data=${args[$((i + 1))]} ;;
  esac
done

target/release/hako serve "$@" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
until curl -sf "http://$listen/api/health" >/dev/null; do
  kill -0 "$server" 2>/dev/null || exit 1
  sleep 0.2
done

# The demo library (SPEC D9): a simulated phone backs up a generated folder, like a real one.
demo_email=demo@example.jp demo_password=hako-demo-2024
if [ ! -d "$data/demo-phone" ]; then
  HAKO_DATA="$data" HAKO_PASSWORD=$demo_password target/release/hako user add "$demo_email" >/dev/null 2>&1 || true
  target/release/hako demo-folder "$data/demo-phone.tmp" >/dev/null
  # The apps' own data is theirs, not the phone's shared storage: aside, for the step below.
  mkdir -p "$data/demo-apps"
  mv "$data/demo-phone.tmp/app-data" "$data/demo-phone.tmp/app-data.tsv" "$data/demo-apps/"
  # The demo company's lines are the operator's file, not the phone's.
  mv "$data/demo-phone.tmp/corp" "$data/demo-corp"
  mv "$data/demo-phone.tmp" "$data/demo-phone"
fi
export HAKO_DEVICE_HOME="$data/demo-device"
if [ ! -f "$HAKO_DEVICE_HOME/session.json" ]; then
  HAKO_PASSWORD=$demo_password target/release/hako-device login --server "http://$listen" \
    --email "$demo_email" --name "デモのスマホ" --model "Hako Demo" >/dev/null
  target/release/hako-device register --room 1 --take-over >/dev/null
fi
target/release/hako-device backup "$data/demo-phone" || echo "(demo backup did not finish; the server still runs)"
# The demo apps' data (SPEC P), once: the operator lists the apps, the apps on the phone back
# up at once, and one app leaves the list afterwards, as a retired app does.
if [ -f "$data/demo-apps/app-data.tsv" ] && [ ! -f "$data/demo-apps/saved" ]; then
  while IFS=$'\t' read -r app_id name_ja name_en _; do
    HAKO_DATA="$data" target/release/hako apps add "$app_id" --name-ja "$name_ja" --name-en "$name_en" >/dev/null
  done <"$data/demo-apps/app-data.tsv"
  if target/release/hako-device app-data backup-all "$data/demo-apps/app-data" >/dev/null; then
    while IFS=$'\t' read -r app_id _ _ supported; do
      [ "$supported" = yes ] || HAKO_DATA="$data" target/release/hako apps remove "$app_id" >/dev/null
    done <"$data/demo-apps/app-data.tsv"
    touch "$data/demo-apps/saved"
  else
    echo "(demo app data was not saved; the server still runs)"
  fi
fi
# The demo company (SPEC C), once: the demo account is its main admin; 120 lines from the
# operator's CSV; a permission change for 営業1課 and a sign-in code notice, made as an admin
# makes them (the change only 09:00–23:00 Japan time: outside, it waits for the next run).
if [ -f "$data/demo-corp/lines.csv" ] && [ ! -f "$data/demo-corp/done" ]; then
  hako() { HAKO_DATA="$data" target/release/hako "$@"; }
  if [ ! -f "$data/demo-corp/company" ]; then
    hako corp create --name "株式会社ハコ商事" --admin-email "$demo_email" --admin-name "管理 太郎" >"$data/demo-corp/company"
    hako corp lines import "$(cat "$data/demo-corp/company")" "$data/demo-corp/lines.csv" >/dev/null
  fi
  jar="$data/demo-corp/cookies"
  api() { curl -sf -b "$jar" -c "$jar" -H 'content-type: application/json' "$@"; }
  pick() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
  if api -o /dev/null "http://$listen/api/v1/auth/signin" -d "{\"email\":\"$demo_email\",\"password\":\"$demo_password\"}" &&
    group=$(api "http://$listen/api/v1/corp/groups" | pick 'next(g["id"] for g in d if g["name"] == "営業1課")') &&
    first=$(api "http://$listen/api/v1/corp/lines?per_page=100" | pick 'json.dumps([l["id"] for l in d["lines"] if not l["email"] or l["group"] == "営業1課"][:12] + [l["id"] for l in d["lines"] if not l["email"]])') &&
    api -o /dev/null "http://$listen/api/v1/corp/permission-changes" -H 'idempotency-key: demo-change' \
      -d "{\"group_ids\":[$group],\"backup\":true,\"migration\":true}"; then
    sleep 1
    api -o /dev/null "http://$listen/api/v1/corp/mails/password-notice" -H 'idempotency-key: demo-notice' \
      -d "{\"line_ids\":$first}" && touch "$data/demo-corp/done"
  else
    echo "(the demo company's permission change waits for 09:00–23:00 Japan time: run again then)"
  fi
  rm -f "$jar"
fi
printf '\n  Hako: http://%s/\n  デモ / demo: %s  パスワード / password: %s\n\n' "$listen" "$demo_email" "$demo_password"
wait "$server"
