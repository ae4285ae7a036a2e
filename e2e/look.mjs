// Ad-hoc look at the running app (not part of the suite).
import { chromium } from '@playwright/test';
const base = process.env.BASE ?? 'http://127.0.0.1:8080';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [name, viewport, mobile] of [['pc', { width: 1280, height: 800 }, false], ['phone', { width: 390, height: 844 }, true]]) {
  const ctx = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'ja-JP', deviceScaleFactor: mobile ? 2 : 1 });
  const page = await ctx.newPage();
  page.on('console', (m) => console.log(name, 'console', m.type(), m.text()));
  page.on('pageerror', (e) => console.log(name, 'pageerror', e.message));
  await page.goto(base + '/signin');
  await page.getByTestId('signin-email').fill(process.env.EMAIL ?? 'demo@example.jp');
  await page.getByTestId('signin-password').fill(process.env.PASSWORD ?? 'hako-demo-2024');
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('timeline-item').first().waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/shots/${name}-grid.png` });
  console.log(name, 'dom', await page.evaluate(() => document.getElementsByTagName('*').length));
  await page.getByTestId('timeline').hover();
  await page.mouse.wheel(0, 3000);
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/shots/${name}-scrolled.png` });
  const rail = await page.getByTestId('scroll-rail').boundingBox();
  await page.mouse.move(rail.x + rail.width / 2, rail.y + 30);
  await page.mouse.down();
  await page.mouse.move(rail.x + rail.width / 2, rail.y + rail.height * 0.6, { steps: 8 });
  await page.screenshot({ path: `/tmp/shots/${name}-rail.png` });
  await page.mouse.up();
  await page.waitForTimeout(600);
  await page.getByTestId('select-item').first().click();
  await page.getByTestId('select-item').nth(2).click({ modifiers: ['Shift'] });
  await page.screenshot({ path: `/tmp/shots/${name}-selected.png` });
  console.log(name, 'selected', await page.getByTestId('selection-count').textContent());
  await page.getByTestId('selection-clear').click();
  await page.getByTestId('open-item').nth(3).click();
  await page.getByTestId('photo-viewer').waitFor();
  await page.waitForTimeout(800);
  await page.getByTestId('photo-viewer-info').click();
  await page.screenshot({ path: `/tmp/shots/${name}-viewer.png` });
  console.log(name, 'url', page.url());
  await page.keyboard.press('Escape');
  for (const tab of ['music', 'documents', 'contacts', 'calendar', 'calls']) {
    await page.getByTestId(`tab-${tab}`).click();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `/tmp/shots/${name}-${tab}.png` });
  }
  await ctx.close();
}
await browser.close();
