#!/usr/bin/env bash
# Every test: formatting, lints, unit and integration tests, then the e2e suite in Chromium —
# on the embedded stack (SQLite + data folder), and again on the scale-out stack (PostgreSQL +
# SeaweedFS, an S3-compatible store; SPEC X3), both started here on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
step() { printf '\n\033[1m== %s\033[0m  (%s)\n' "$*" "$(date +%T)"; }

step "tools"
scripts/ensure-tools.sh test
step "format"
cargo fmt --all --check
step "lints"
cargo clippy --all-targets -- -D warnings
cargo clippy -p hako-app --target wasm32-unknown-unknown -- -D warnings
step "unit and integration tests (SQLite + data folder)"
cargo test
cargo test -p hako-app   # the viewer's pure parts (not a default member: it builds for wasm)

step "start PostgreSQL and SeaweedFS (S3) for the scale-out pass"
services=$(mktemp -d /tmp/hako-test-stack.XXXXXX)
chmod 755 "$services"
stop_services() {
  scripts/s3.sh stop "$services/s3" || true
  scripts/pg.sh stop "$services/pg" >/dev/null 2>&1 || true
  rm -rf "$services"
}
trap stop_services EXIT
pg_url=$(scripts/pg.sh start "$services/pg" "${HAKO_TEST_PG_PORT:-15433}" | tail -n 1)
eval "$(scripts/s3.sh start "$services/s3" "${HAKO_TEST_S3_PORT:-13910}")"
export HAKO_TEST_POSTGRES=$pg_url HAKO_TEST_S3_ENDPOINT=$HAKO_S3_ENDPOINT \
  HAKO_TEST_S3_BUCKET=$HAKO_S3_BUCKET HAKO_TEST_S3_KEY=$HAKO_S3_KEY HAKO_TEST_S3_SECRET=$HAKO_S3_SECRET

step "integration tests (PostgreSQL + S3)"
cargo test -p hako-api-shim --test api

step "build the web viewer and the server for e2e"
trunk build --release
cargo build -p hako-api-shim
step "API contract (schemathesis; SQLite + data folder)"
scripts/api-contract.sh
step "e2e (Playwright, Chromium; SQLite + data folder)"
(cd e2e && npx playwright test)

# The [s3] table of a config file for the throwaway bucket, under a prefix of its own.
s3_config() {
  cat <<CONF
[s3]
endpoint = "$HAKO_S3_ENDPOINT"
bucket = "$HAKO_S3_BUCKET"
access_key_id = "$HAKO_S3_KEY"
secret_access_key = "$HAKO_S3_SECRET"
prefix = "$1"
CONF
}

step "e2e where storage matters (PostgreSQL + S3): uploads, the viewer, downloads"
psql -q "$pg_url" -c "CREATE DATABASE hako_e2e"
e2e_config="$services/hako-e2e-s3.toml"
{ cat e2e/hako-e2e.toml; echo; s3_config e2e; } > "$e2e_config"
(cd e2e && HAKO_DATABASE_URL="${pg_url%/*}/hako_e2e" HAKO_E2E_CONFIG="$e2e_config" HAKO_CONFIG="$e2e_config" \
  npx playwright test tests/tus.spec.ts tests/viewer.spec.ts tests/library.spec.ts --project=pc)

step "API contract (schemathesis; PostgreSQL + S3)"
psql -q "$pg_url" -c "CREATE DATABASE hako_contract"
s3_config contract > "$services/hako-contract-s3.toml"
HAKO_DATABASE_URL="${pg_url%/*}/hako_contract" HAKO_CONFIG="$services/hako-contract-s3.toml" \
  scripts/api-contract.sh
step "all tests passed on both stacks"
