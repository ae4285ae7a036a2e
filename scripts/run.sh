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
printf '\n  Hako: http://%s/\n  デモ / demo: %s  パスワード / password: %s\n\n' "$listen" "$demo_email" "$demo_password"
wait "$server"
