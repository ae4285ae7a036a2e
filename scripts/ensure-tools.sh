#!/usr/bin/env bash
# Installs what building and testing Hako needs, skipping what is already present,
# so a fresh machine works and a warm one starts fast. Versions: ../shared/TOOLCHAIN.md.
#   scripts/ensure-tools.sh build   — wasm target, trunk, wasm-bindgen CLI, wasm-opt
#   scripts/ensure-tools.sh test    — the above plus Chromium and the e2e npm packages
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}

TRUNK_VERSION=0.21.14
GARAGE_VERSION=2.5.0        # the S3-compatible store the second test pass keeps files in
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in app/Cargo.toml

say() { printf '\033[1m[tools]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 8 minutes the first time)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # No --locked: its lockfile names a webpki-roots the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x scripts/node/node_modules/.bin/wasm-opt ]; then
  say "installing binaryen (wasm-opt) from npm"
  (cd scripts/node && npm ci --no-audit --no-fund)
fi

sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
apt_install() { # installs the Debian packages given, once
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

# Media processing at run time: video posters and durations (ffmpeg), HEIC photos
# (heif-convert), DNG photos (dcraw).
if ! command -v ffprobe >/dev/null || ! command -v heif-convert >/dev/null || ! command -v dcraw >/dev/null; then
  say "installing ffmpeg, libheif's tools and dcraw"
  apt_install ffmpeg libheif-examples dcraw
fi

if [ "$what" = test ]; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's Chromium"
    apt_install chromium
  fi
  if [ ! -d e2e/node_modules/@playwright/test ] || [ ! -d e2e/node_modules/tus-js-client ]; then
    say "installing the e2e packages"
    (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
  # The scale-out pass (SPEC X3): PostgreSQL for metadata, Garage for files.
  if ! command -v initdb >/dev/null && [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
    say "installing PostgreSQL"
    apt_install postgresql
  fi
  if ! garage --version 2>/dev/null | grep -q "$GARAGE_VERSION"; then
    say "installing Garage $GARAGE_VERSION (10-25 minutes the first time, once per machine)"
    cargo install garage --version "$GARAGE_VERSION" --locked
  fi
  # The OpenID provider the server's Google / Apple sign-in tests run against.
  if [ ! -d api-shim/tests/oidc-provider/node_modules/oauth2-mock-server ]; then
    say "installing the test OpenID provider"
    (cd api-shim/tests/oidc-provider && npm ci --no-audit --no-fund)
  fi
fi
