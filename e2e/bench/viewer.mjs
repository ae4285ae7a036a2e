// The web viewer against a million-item ROOM (issue 4): cold load to first thumbnails, the
// oldest month via the scroll-date rail, DOM size and the longest main-thread task while
// scrolling and scrubbing, and what the browser downloads. Run by scripts/bench-viewer.sh.
import { chromium } from '@playwright/test';

const base = process.env.BASE;
const email = process.env.EMAIL;
const password = process.env.PASSWORD;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});

/** Resolves when every tile in the viewport shows a decoded picture (no placeholder left). */
const thumbnailsVisible = () => new Promise((resolve) => {
  const check = () => {
    const h = innerHeight;
    const inView = (el) => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < h && r.height > 0; };
    const placeholders = [...document.querySelectorAll('[data-testid="tile-placeholder"]')].filter(inView);
    const imgs = [...document.querySelectorAll('[data-testid="timeline-item"] img')].filter(inView);
    if (placeholders.length === 0 && imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0)) resolve(performance.now());
    else requestAnimationFrame(check);
  };
  check();
});

for (const [name, viewport, mobile] of [['pc', { width: 1280, height: 800 }, false], ['phone', { width: 390, height: 844 }, true]]) {
  const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'ja-JP' });
  const signin = await context.request.post(`${base}/api/v1/auth/signin`, { data: { email, password } });
  if (!signin.ok()) throw new Error(`sign-in failed: ${signin.status()}`);
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
    window.__maxDom = 0;
    new MutationObserver(() => {
      window.__maxDom = Math.max(window.__maxDom, document.getElementsByTagName('*').length);
    }).observe(document, { childList: true, subtree: true });
  });

  // Cold load: navigation start to the first screen of thumbnails decoded.
  await page.goto(`${base}/`);
  await page.getByTestId('timeline-item').first().waitFor({ timeout: 60_000 });
  const firstThumbs = await page.evaluate(thumbnailsVisible);
  const shipped = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((r) => /\.(wasm|js|css)$/.test(new URL(r.name).pathname))
    .reduce((sum, r) => sum + r.encodedBodySize, 0));
  const loadLongest = await page.evaluate(() => window.__longest);

  // Scrolling: 40 wheel turns of 1,500 px each, then scrubbing the rail over its whole length.
  await page.evaluate(() => { window.__longest = 0; });
  await page.getByTestId('timeline').hover();
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, 1500);
    await page.waitForTimeout(30);
  }
  const rail = await page.getByTestId('scroll-rail').boundingBox();
  const x = rail.x + rail.width / 2;
  await page.mouse.move(x, rail.y + 20);
  await page.mouse.down();
  for (let i = 0; i <= 40; i++) {
    await page.mouse.move(x, rail.y + 20 + ((rail.height - 40) * i) / 40);
    await page.waitForTimeout(16);
  }
  await page.mouse.move(x, rail.y + rail.height + 50);
  // Released on the oldest month: time until its thumbnails are visible.
  const released = await page.evaluate(() => performance.now());
  await page.mouse.up();
  const oldestVisible = await page.evaluate(thumbnailsVisible);
  const label = await page.getByTestId('scroll-rail-thumb').getAttribute('aria-valuetext');
  const headings = await page.getByTestId('day-heading').allTextContents();
  const scrollLongest = await page.evaluate(() => window.__longest);
  const maxDom = await page.evaluate(() => Math.max(window.__maxDom, document.getElementsByTagName('*').length));
  console.log(JSON.stringify({
    viewport: name,
    first_thumbnails_ms: Math.round(firstThumbs),
    oldest_month_after_release_ms: Math.round(oldestVisible - released),
    oldest_month_label: label,
    last_day_heading: headings.at(-1),
    max_dom_elements: maxDom,
    longest_task_load_ms: Math.round(loadLongest),
    longest_task_scroll_scrub_ms: Math.round(scrollLongest),
    shipped_wasm_js_css_compressed_bytes: shipped,
  }));
  await context.close();
}
await browser.close();
