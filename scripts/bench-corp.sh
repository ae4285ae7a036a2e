#!/usr/bin/env bash
# Corporate console benchmark (SPEC C1, C5): `hako corp lines import` of a 10,000-line CSV
# (UTF-8, then the same file again as an update, then as Shift_JIS), and the time a 200-line
# permission change takes from its 202 to 正常終了 in the history, through the real server
# (release build). As a reference in the same run: `hako apps list`, a command that opens the
# same database and does nothing else (what every import pays before its first row).
# Then a 200-line app-download request (SPEC C7) from its 202 to 正常終了, each line mailed
# through a real SMTP server on loopback (scripts/smtp.py, aiosmtpd), beside the reference of
# Python's smtplib sending 200 messages of the same size to the same server on one connection.
# Set HAKO_DATABASE_URL for PostgreSQL. The change is accepted 09:00–23:00 Japan time only:
# outside those hours that part says so and is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p hako-api-shim
work=$(mktemp -d "$PWD/target/bench-corp.XXXX")
trap 'kill "${server:-}" "${smtp:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
port=18185
smtp_port=18186
base="http://127.0.0.1:$port"
export HAKO_DATA="$work/data" HAKO_PASSWORD="benchmark passphrase" LANG=C RUST_LOG=warn
export HAKO_CONFIG="$work/hako.toml"
cat >"$HAKO_CONFIG" <<CONF
[smtp]
host = "127.0.0.1"
port = $smtp_port
security = "none"
from = "Hako <no-reply@hako.example.jp>"
CONF
hako=target/release/hako
python3 scripts/smtp.py --port $smtp_port --dir "$work/smtp" >/dev/null & smtp=$!
until (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; do sleep 0.1; done
$hako user add admin@example.jp >/dev/null
company=$($hako corp create --name 株式会社ベンチ --admin-email admin@example.jp --admin-name 管理)
python3 - "$work" <<'PY'
import sys
header = "number,name,reading,group,department,device_kind,contract_date,email,status\n"
rows = [f"090-{i // 10000:04d}-{i % 10000:04d},社員 {i},シャイン {i},課{i % 50},営業部,smartphone,2018-04-01,line{i}@example.jp,in_service\n" for i in range(1, 10001)]
text = header + "".join(rows)
open(f"{sys.argv[1]}/lines.csv", "w", encoding="utf-8").write(text)
open(f"{sys.argv[1]}/lines-sjis.csv", "wb").write(text.encode("shift_jis"))
PY
now() { date +%s.%N; }
t0=$(now); $hako apps list >/dev/null; t1=$(now)
echo "reference: a command that only opens the store: $(echo "$t1 - $t0" | bc) s"
for file in lines.csv lines.csv lines-sjis.csv; do
  t0=$(now); out=$($hako corp lines import "$company" "$work/$file"); t1=$(now)
  echo "$file: $out (whole command $(echo "$t1 - $t0" | bc) s)"
done

$hako serve --listen 127.0.0.1:$port >/dev/null 2>&1 & server=$!
until curl -sf "$base/api/health" >/dev/null; do sleep 0.1; done
jar="$work/cookies"
curl -sf -c "$jar" -o /dev/null "$base/api/v1/auth/signin" -H 'content-type: application/json' \
  -d '{"email":"admin@example.jp","password":"benchmark passphrase"}'
web=(-b "$jar" -H "Origin: $base" -H 'Sec-Fetch-Site: same-origin')
ids=$(for page in 1 2; do curl -sf "${web[@]}" "$base/api/v1/corp/lines?per_page=100&page=$page"; done |
  python3 -c 'import json,sys; d=sys.stdin.read().replace("}{","}\n{"); print(json.dumps([l["id"] for p in d.splitlines() for l in json.loads(p)["lines"]]))')

# POSTs the operation, then waits for its end; prints "<ms to 202> <ms to the end>".
operation() { # path, JSON body
  local t0 t1 t2 reception
  t0=$(now)
  reception=$(curl -sf "${web[@]}" "$base$1" -H 'content-type: application/json' -d "$2" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["reception_number"])')
  t1=$(now)
  until curl -sf "${web[@]}" "$base/api/v1/corp/history/$reception" |
    python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["status"] == "processing")'; do sleep 0.01; done
  t2=$(now)
  awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.1f %.1f\n", (b - a) * 1000, (c - a) * 1000 }'
}

read -r accepted done < <(operation /api/v1/corp/mails/app-download "{\"line_ids\": $ids}")
sent=$(grep -l '^To: line' "$work"/smtp/mail/*.eml | wc -l)
size=$(stat -c %s "$(ls -d "$work"/smtp/mail/* | head -n 1)")
reference=$(python3 - "$smtp_port" "$size" <<'PY'
import smtplib, sys, time
port, size = int(sys.argv[1]), int(sys.argv[2])
body = ("Subject: reference\r\n\r\n" + "x" * size).encode()
start = time.perf_counter()
with smtplib.SMTP("127.0.0.1", port) as server:
    for i in range(200):
        server.sendmail("no-reply@hako.example.jp", [f"ref{i}@example.jp"], body)
print(f"{(time.perf_counter() - start) * 1000:.1f}")
PY
)
awk -v a="$accepted" -v d="$done" -v r="$reference" -v n="$sent" 'BEGIN {
  printf "200-line app-download request: accepted (202) in %.1f ms, 正常終了 %.1f ms after it was sent (%d mails through SMTP); reference: smtplib, 200 mails on one connection, %.1f ms (Hako %.2fx the reference time)\n", a, d, n, r, d / r }'

hour=$(TZ=Asia/Tokyo date +%H)
if [ "$hour" -lt 9 ] || [ "$hour" -ge 23 ]; then
  echo "200-line change: skipped (it is ${hour}:xx in Japan; changes are accepted 09:00–23:00)"
  exit 0
fi
read -r accepted done < <(operation /api/v1/corp/permission-changes "{\"line_ids\": $ids, \"backup\": true, \"migration\": true}")
echo "200-line change: accepted (202) in $accepted ms, 正常終了 $done ms after it was sent"
