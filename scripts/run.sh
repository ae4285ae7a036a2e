#!/usr/bin/env bash
# Builds the release web viewer and server, then runs `hako serve` (extra arguments go to it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/ensure-tools.sh build
trunk build --release
cargo build --release -p hako-api-shim
exec target/release/hako serve "$@"
