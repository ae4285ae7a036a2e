#!/usr/bin/env bash
# Holds the server to its OpenAPI document (/api/openapi.json): starts `hako serve` (the debug
# build, or $HAKO_BIN) on a free loopback port with a new data folder, makes an account with a
# phone in ROOM 1 and a few stored files, and runs schemathesis against it twice — as that
# phone (device token) and as a browser (session cookie). Every answer must be documented:
# its status, its content type and its body's schema, and none may be a 5xx.
#   scripts/api-contract.sh                 — both passes; non-zero if either finds a failure
#   HAKO_CONTRACT_EXAMPLES=100 scripts/api-contract.sh   — more examples per operation
#   HAKO_DATABASE_URL=… HAKO_CONFIG=… scripts/api-contract.sh — on PostgreSQL (+ an [s3] bucket)
# Needs schemathesis (scripts/ensure-tools.sh test installs it) and a built server
# (`cargo build -p hako-api-shim`).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5   # as in scripts/ensure-tools.sh
hako=${HAKO_BIN:-target/debug/hako}
examples=${HAKO_CONTRACT_EXAMPLES:-25}
email=contract@example.jp
password='contract test password'

say() { printf '\033[1m[contract]\033[0m %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }

[ -x "$hako" ] || die "$hako is missing: run cargo build -p hako-api-shim"
schemathesis --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$" ||
  die "schemathesis $SCHEMATHESIS_VERSION is missing: run scripts/ensure-tools.sh test"

work=$(mktemp -d /tmp/hako-contract.XXXXXX)
server=
stop() {
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

# The store HAKO_DATABASE_URL and HAKO_CONFIG ([s3]) name, as for `hako serve`; without them
# the embedded one (SQLite and files in the new data folder).
unset HAKO_LISTEN HAKO_DIST
export HAKO_DATA="$work/data" RUST_LOG=${RUST_LOG:-warn}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
mkdir -p "$work/dist"
"$hako" serve --listen "127.0.0.1:$port" --dist "$work/dist" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  curl -sf "$base/api/health" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; die "the server did not start"; }
  sleep 0.1
done
curl -sf "$base/api/health" >/dev/null || die "the server does not answer at $base"
say "server at $base (data: $HAKO_DATA)"

# The account, as the operator makes one; a phone signed in through the device API, in ROOM 1.
HAKO_PASSWORD=$password "$hako" user add "$email" >/dev/null
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
token=$(curl -sf "$base/api/v1/devices/login" -H 'content-type: application/json' \
  -d "{\"email\": \"$email\", \"password\": \"$password\", \"name\": \"Contract phone\", \"os\": \"android\", \"model\": \"Pixel 9\"}" |
  json '["device_token"]')
phone=(-H "Authorization: Bearer $token")
curl -sf "${phone[@]}" "$base/api/v1/device/register" -H 'content-type: application/json' \
  -d '{"room": 1}' >/dev/null

# Stored files, so that reads answer with data and not only with refusals: a photo (its
# thumbnail and preview are made by the media worker), a text document, and contacts.
b64() { printf '%s' "$1" | base64 -w0; }
upload() { # name file created_at
  local sha location
  sha=$(sha256sum "$2" | cut -d' ' -f1)
  location=$(curl -sf -o /dev/null -D - "${phone[@]}" -X POST "$base/api/v1/uploads" \
    -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $(stat -c %s "$2")" \
    -H "Upload-Metadata: filename $(b64 "$1"),sha256 $(b64 "$sha"),created_at $(b64 "$3")" |
    tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  [ -n "$location" ] || die "creating the upload of $1 failed"
  curl -sf "${phone[@]}" -X PATCH "$base$location" -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
    -H 'content-type: application/offset+octet-stream' --data-binary "@$2" >/dev/null
}
python3 - "$work/photo.jpg" <<'PY'
import base64, sys
tiny = base64.b64decode('/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcICAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xABMAAEBAAAAAAAAAAAAAAAAAAAABQEBAQAAAAAAAAAAAAAAAAAAAAYQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/wAARCAAYACADASIAAhEAAxEA/9oADAMBAAIRAxEAPwCCAu06AAAAAA//2Q==')
open(sys.argv[1], 'wb').write(tiny)
PY
printf 'Notes kept by the contract test.\n' >"$work/notes.txt"
upload IMG_0001.jpg "$work/photo.jpg" 1722000000
upload notes.txt "$work/notes.txt" 1722000600
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Contract Test\r\nN:Test;Contract;;;\r\nTEL:090-0000-0000\r\nEND:VCARD\r\n' |
  curl -sf "${phone[@]}" -X PUT "$base/api/v1/device/backups/contacts" --data-binary @- >/dev/null
# The account is the main admin of a company with lines, so the console answers with data.
company=$("$hako" corp create --name 契約テスト株式会社 --admin-email "$email" --admin-name 契約 2>/dev/null)
printf 'number,name,reading,group,department,device_kind,contract_date,email,status\n090-0000-0001,契約 一郎,ケイヤク イチロウ,営業,,smartphone,2018-04-01,line@example.jp,in_service\n080-0000-0002,契約 次郎,ケイヤク ジロウ,営業,,iphone,2016-04-01,,cancelled\n' >"$work/lines.csv"
"$hako" corp lines import "$company" "$work/lines.csv" >/dev/null
# An app of the catalog with data, so the app data reads answer with data too.
"$hako" apps add jp.example.contract --name-ja 契約 --name-en Contract >/dev/null
printf 'app settings' | curl -sf "${phone[@]}" -X PUT "$base/api/v1/app-data/jp.example.contract" \
  -H 'If-None-Match: *' --data-binary @- >/dev/null

# A browser's session: the cookie sign-in sets, and what a same-site fetch sends along.
cookie=$(curl -sf -o /dev/null -D - "$base/api/v1/auth/signin" -H 'content-type: application/json' \
  -d "{\"email\": \"$email\", \"password\": \"$password\"}" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(hako_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || die "signing in a web session failed"
browser=(-H "Cookie: $cookie" -H 'Sec-Fetch-Site: same-origin' -H "Origin: $base")

# Left out, because each would take away what every later request relies on (the operations
# are tested in api-shim/tests/api: authz.rs, devices.rs, items.rs, auth.rs):
#   phone:   POST /api/v1/device/logout — revokes the device token every request carries;
#   browser: POST /api/v1/auth/signout  — ends the session every request carries;
#            DELETE /api/v1/rooms/{room} — wipes ROOM 1 and unregisters the phone;
#   both:    DELETE /api/v1/items/{id}  — deletes the stored files the reads are tested on.
# The phone goes first: the browser pass changes only its own account data afterwards.
# tus PATCH bodies are plain bytes under their own media type, which schemathesis does not
# know: it sends them as it sends application/octet-stream.
cat >"$work/hooks.py" <<'PY'
import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
PY
export SCHEMATHESIS_HOOKS="$work/hooks.py"
run() { # label, then schemathesis options
  local label=$1
  shift
  say "schemathesis as $label"
  (cd "$work" && schemathesis --no-color run "$base/api/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$examples" --seed 7 --generation-database none \
    --generation-with-security-parameters false \
    --exclude-name 'DELETE /api/v1/items/{id}' "$@")
}
failed=()
run "a phone (device token)" "${phone[@]}" \
  --exclude-name 'POST /api/v1/device/logout' || failed+=(phone)
run "a web session (cookie)" "${browser[@]}" \
  --exclude-name 'POST /api/v1/auth/signout' --exclude-name 'DELETE /api/v1/rooms/{room}' ||
  failed+=(browser)

if [ ${#failed[@]} -gt 0 ]; then
  say "the server broke its OpenAPI document as: ${failed[*]} (server log: last lines below)"
  tail -n 40 "$work/server.log" >&2
  exit 1
fi
say "every answer matched the OpenAPI document, as a phone and as a web session"
