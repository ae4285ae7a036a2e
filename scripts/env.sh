# Sourced by the scripts: puts the project's build tools on PATH (cargo's installs, wasm-opt
# from npm, and Python's scripts folder, where pip puts `weed` and `schemathesis`).
HAKO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HAKO_ROOT/scripts/node/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
