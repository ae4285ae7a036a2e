// How full the photo grid's rows are on a PC (issue 16): scrolls the demo library that
// scripts/run.sh serves from top to bottom and prints, per width, the share of the width the
// photos of each row cover (mean and the share of rows ≥ 85 %), and whether the tiles keep the
// photos' aspect ratios.   node e2e/bench/row-fill.mjs [base]   (BASE, default :8080)
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? process.env.BASE ?? 'http://127.0.0.1:8080';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const width of [1280, 1920]) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, locale: 'ja-JP' });
  await page.goto(`${base}/signin`);
  await page.getByTestId('signin-email').fill('demo@example.jp');
  await page.getByTestId('signin-password').fill('hako-demo-2024');
  await page.getByTestId('signin-submit').click();
  await page.locator('[data-testid="timeline-item"]').first().waitFor();
  const rows = new Map();
  const tiles = new Map();
  for (let pass = 0; pass < 400; pass++) {
    await page.waitForTimeout(250);
    const seen = await page.evaluate(() => {
      const grid = document.querySelector('[data-testid="timeline"]');
      const box = grid.getBoundingClientRect();
      const out = [];
      for (const tile of grid.querySelectorAll('[data-testid="timeline-item"]')) {
        const r = tile.getBoundingClientRect();
        if (r.bottom < box.top || r.top > box.bottom) continue;
        const img = tile.querySelector('img');
        out.push({
          id: tile.dataset.id, top: Math.round(r.top + grid.scrollTop), left: r.left - box.left, right: r.right - box.left,
          ratio: r.width / r.height, natural: img && img.naturalWidth ? img.naturalWidth / img.naturalHeight : null,
          width: box.width,
        });
      }
      const atEnd = grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 2;
      grid.scrollBy(0, grid.clientHeight * 0.8);
      return { out, atEnd };
    });
    for (const t of seen.out) {
      tiles.set(t.id, t);
      const row = rows.get(t.top) ?? { left: Infinity, right: 0, width: t.width };
      row.left = Math.min(row.left, t.left);
      row.right = Math.max(row.right, t.right);
      rows.set(t.top, row);
    }
    if (seen.atEnd) break;
  }
  const fills = [...rows.values()].map((r) => (r.right - r.left) / r.width);
  const mean = fills.reduce((a, b) => a + b, 0) / fills.length;
  const full = fills.filter((f) => f >= 0.85).length / fills.length;
  const measured = [...tiles.values()].filter((t) => t.natural);
  const kept = measured.filter((t) => Math.abs(t.ratio / t.natural - 1) < 0.03).length;
  console.log(`${width} px: ${rows.size} rows, ${tiles.size} photos; mean fill ${(mean * 100).toFixed(1)} %, ` +
    `rows ≥ 85 %: ${(full * 100).toFixed(0)} %; aspect ratio kept: ${kept}/${measured.length}`);
  await page.close();
}
await browser.close();
