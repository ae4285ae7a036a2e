#!/usr/bin/env bash
# Every test: formatting, lints, unit and integration tests, then the e2e suite in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "tools"
scripts/ensure-tools.sh test
step "format"
cargo fmt --all --check
step "lints"
cargo clippy --all-targets -- -D warnings
cargo clippy -p hako-app --target wasm32-unknown-unknown -- -D warnings
step "unit and integration tests"
cargo test
step "build the web viewer and the server for e2e"
trunk build --release
cargo build -p hako-api-shim
step "e2e (Playwright, Chromium)"
(cd e2e && npx playwright test)
step "all tests passed"
