#!/usr/bin/env bash
# Lighthouse (performance only, its default mobile profile: a mid-range phone on slow 4G) on a
# page of the viewer, three runs, with Debian's Chromium. Prints each run and the median:
# score, FCP, LCP, TBT, Speed Index and the bytes transferred. The JSON reports stay in /tmp.
#   scripts/lighthouse.sh [URL]        (default http://127.0.0.1:8080/signin)
# The server must already be running (scripts/run.sh). Env: RUNS (3), CHROME_PATH, OUT_DIR.
# The medians also go to docs/bench/lighthouse.tsv, which docs/PERFORMANCE.md shows.
set -euo pipefail
cd "$(dirname "$0")/lighthouse"
url="${1:-http://127.0.0.1:8080/signin}"
runs="${RUNS:-3}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
out="${OUT_DIR:-$(mktemp -d /tmp/hako-lighthouse.XXXXXX)}"
mkdir -p "$out"

# The pinned version (package-lock.json), installed once.
if [ ! -x node_modules/.bin/lighthouse ]; then
  echo "lighthouse.sh: installing lighthouse (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

for i in $(seq 1 "$runs"); do
  node_modules/.bin/lighthouse "$url" --quiet \
    --only-categories=performance \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run" \
    --output=json --output-path="$out/run-$i.json"
done

commit=$(git rev-parse --short HEAD)
node - "$out" "$runs" "$url" "$commit" <<'JS'
const fs = require('node:fs');
const [dir, runs, url, commit] = process.argv.slice(2);
const rows = [];
for (let i = 1; i <= Number(runs); i++) {
  const r = JSON.parse(fs.readFileSync(`${dir}/run-${i}.json`, 'utf8'));
  if (r.runtimeError) console.error(`run ${i}: ${r.runtimeError.code} ${r.runtimeError.message}`);
  const a = (id) => r.audits[id]?.numericValue ?? NaN;
  rows.push({
    score: Math.round((r.categories.performance.score ?? NaN) * 100),
    fcp: a('first-contentful-paint'), lcp: a('largest-contentful-paint'), tbt: a('total-blocking-time'),
    si: a('speed-index'), bytes: a('total-byte-weight'),
  });
}
const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ms = (v) => `${Math.round(v)} ms`.padStart(9);
const line = (name, r) => console.log(`${name.padEnd(7)} score ${String(r.score).padStart(3)}  FCP ${ms(r.fcp)}  LCP ${ms(r.lcp)}  TBT ${ms(r.tbt)}  SI ${ms(r.si)}  transferred ${(r.bytes / 1024).toFixed(1).padStart(7)} KiB`);
console.log(`Lighthouse ${JSON.parse(fs.readFileSync(`${dir}/run-1.json`, 'utf8')).lighthouseVersion}, mobile, performance: ${url}`);
rows.forEach((r, i) => line(`run ${i + 1}`, r));
const keys = Object.keys(rows[0]);
const medians = Object.fromEntries(keys.map((k) => [k, median(rows.map((r) => r[k]))]));
line('median', medians);
const version = JSON.parse(fs.readFileSync(`${dir}/run-1.json`, 'utf8')).lighthouseVersion;
fs.mkdirSync('../../docs/bench', { recursive: true });
fs.writeFileSync('../../docs/bench/lighthouse.tsv', [
  ['date', new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC'], ['commit', commit],
  ['command', `scripts/lighthouse.sh ${url}`], ['version', `Lighthouse ${version}, mobile profile`],
  ...Object.entries(medians).map(([k, v]) => [k, Math.round(v)]),
].map((row) => row.join('\t')).join('\n') + '\n');
const range = (k, f) => `${f(Math.min(...rows.map((r) => r[k])))}–${f(Math.max(...rows.map((r) => r[k])))}`;
console.log(`range   score ${range('score', String)}  FCP ${range('fcp', Math.round)}  LCP ${range('lcp', Math.round)}  TBT ${range('tbt', Math.round)}  SI ${range('si', Math.round)} ms`);
console.log(`reports: ${dir}/run-*.json`);
JS
