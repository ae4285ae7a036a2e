// Screenshots of the web viewer for docs/, taken from the demo library that scripts/run.sh
// serves:  scripts/run.sh &  then  node e2e/demo-screenshots.mjs   (BASE to point elsewhere;
// ONLY=corp for the corporate console's alone, ONLY=viewer for the rest).
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const base = process.env.BASE ?? 'http://127.0.0.1:8080';
const only = process.env.ONLY;
const docs = path.resolve(import.meta.dirname, '../docs');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'],
});
for (const [name, viewport, mobile] of [['pc', { width: 1280, height: 800 }, false], ['phone', { width: 390, height: 844 }, true]]) {
  const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', deviceScaleFactor: mobile ? 2 : 1 });
  const page = await context.newPage();
  const shot = (what) => page.screenshot({ path: path.join(docs, `${what}-${name}.png`) });
  const settle = async () => {
    await page.waitForTimeout(400);
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  };
  await page.goto(`${base}/signin`);
  await page.getByTestId('signin-email').fill('demo@example.jp');
  await page.getByTestId('signin-password').fill('hako-demo-2024');
  await page.getByTestId('signin-submit').click();
  await page.locator('[data-testid="timeline-item"] img').first().waitFor();
  await settle();
  if (only !== 'corp') await viewer();
  if (only !== 'viewer') await corp();
  await context.close();

  async function viewer() {
  await shot('library');
  const rail = await page.getByTestId('scroll-rail').boundingBox();
  await page.mouse.move(rail.x + rail.width / 2, rail.y + 30);
  await page.mouse.down();
  await page.mouse.move(rail.x + rail.width / 2, rail.y + rail.height * 0.55, { steps: 6 });
  await settle();
  await shot('rail');
  await page.mouse.up();
  await settle();
  await page.getByTestId('select-day').first().click();
  await shot('selection');
  await page.getByTestId('selection-delete').click();
  await shot('delete-confirm');
  await page.getByTestId('confirm-delete-cancel').click();
  await page.getByTestId('selection-clear').click();
  await page.getByTestId('open-item').nth(1).click();
  await page.getByTestId('viewer-image').waitFor();
  await page.getByTestId('photo-viewer-info').click();
  await settle();
  await shot('photo-view');
  await page.keyboard.press('Escape');
  for (const tab of ['music', 'contacts', 'calendar']) {
    await page.getByTestId(`tab-${tab}`).click();
    await page.waitForTimeout(400);
    await shot(`tab-${tab}`);
  }
  // App data (SPEC P): the demo's apps, one no longer supported, and the delete-all question.
  await page.goto(`${base}/app-data`);
  await page.getByTestId('app-data-row').first().waitFor();
  await page.getByTestId('app-data-phone').first().waitFor();
  await shot('app-data');
  if (mobile) {
    // Below the list on a phone: each phone's two switches.
    await page.getByTestId('app-data-phone').first().scrollIntoViewIfNeeded();
    await shot('app-data-switches');
    await page.getByTestId('app-data-page').locator('main').evaluate((main) => main.scrollTo(0, 0));
  }
  await page.getByTestId('app-data-delete-all').click();
  await page.getByTestId('app-data-confirm-delete-all').waitFor();
  await shot('app-data-delete-all');
  await page.getByTestId('app-data-confirm-cancel').click();
  }

  // The corporate console (SPEC C): the demo account is the main admin of 株式会社ハコ商事.
  async function corp() {
    const main = page.getByTestId('corp-page').locator('main');
    await page.goto(`${base}/corp/permissions`);
    await page.getByTestId('corp-line-row').first().waitFor();
    for (const n of [0, 1, 4]) await page.getByTestId('corp-line-check').nth(n).check();
    await page.getByTestId('corp-want-backup').check();
    await page.getByTestId('corp-want-migration').check();
    // The list in view, as an admin choosing sees it.
    await page.getByTestId('corp-selected-count-top').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('corp-lines');
    await page.getByTestId('corp-to-confirm').click();
    await page.getByTestId('corp-confirm-row').first().waitFor();
    await main.evaluate((m) => m.scrollTo(0, 0));
    await shot('corp-confirm');
    await page.getByTestId('corp-decide').click();
    await page.getByTestId('corp-reception-number').waitFor();
    await shot('corp-done');

    // The app download request from the 完了 screen, the allowed lines chosen, plus a 4G
    // feature phone and a line without a mail address, so the detail shows every result.
    await page.getByTestId('corp-done-app-download').click();
    await page.getByTestId('corp-line-row').first().waitFor();
    const { lines } = await (await page.request.get(`${base}/api/v1/corp/lines?per_page=100`)).json();
    const inService = lines.filter((l) => l.status === 'in_service');
    const extra = [inService.find((l) => l.device_kind === 'feature_phone'), inService.find((l) => !l.email)];
    for (const line of extra.filter(Boolean)) {
      await page.getByTestId('corp-search').fill(line.number);
      await page.getByTestId('corp-search-submit').click();
      await page.locator(`[data-testid="corp-line-row"][data-number="${line.number}"] [data-testid="corp-line-check"]`).check();
    }
    await page.getByTestId('corp-search-clear').click();
    await page.getByTestId('corp-line-row').nth(5).waitFor();
    await main.evaluate((m) => m.scrollTo(0, 0));
    await shot('corp-app-download');
    await page.getByTestId('corp-selected-count-top').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('corp-app-download-list');
    await page.getByTestId('corp-mail-send').click();
    await page.getByTestId('corp-mail-confirm').waitFor();
    await shot('corp-app-download-confirm');
    await page.getByTestId('corp-mail-ok').click();
    await page.getByTestId('corp-done-history').click();
    // Finished (the operation ends 異常終了: the line without an address), one line chosen again.
    await page.locator('[data-testid="corp-detail-state"] [data-status="failed"]').waitFor({ timeout: 60_000 });
    const failed = page.locator('[data-testid="corp-detail-row"][data-status="failed"]').first();
    await failed.getByTestId('corp-detail-check').check();
    await page.getByTestId('corp-detail-table').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    await shot('corp-mail-detail');
    if (mobile) {
      await failed.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await shot('corp-mail-detail-failed');
    }

    // 回線の取り込み: a Shift_JIS file (one line renamed, one new) previewed, not imported;
    // then a file with bad rows.
    const known = inService[0];
    const csv = ['number,name,reading,group,department,device_kind,contract_date,email,status',
      [known.number, `${known.name}（改姓）`, known.reading, known.group ?? '', known.department, known.device_kind,
        known.contract_date, known.email, known.status].join(','),
      '090-9999-0001,新人 花子,シンジン ハナコ,営業1課,営業部,iphone,2026-12-01,hanako@example.jp,in_service'].join('\r\n');
    const sjis = execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8").encode("cp932"))'], { input: csv });
    await page.goto(`${base}/corp/lines/import`);
    await page.getByTestId('corp-import-file').setInputFiles({ name: '回線一覧.csv', mimeType: 'text/csv', buffer: sjis });
    await page.getByTestId('corp-import-preview').waitFor();
    await page.getByTestId('corp-import-preview').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('corp-import-preview');
    const bad = ['number,name,reading,group,department,device_kind,contract_date,email,status',
      '090-12,番号 違い,バンゴウ,営業1課,営業部,smartphone,2024-04-01,,in_service',
      '090-9999-0002,,ナマエナシ,営業1課,営業部,smartphone,2024-04-01,,in_service',
      '090-9999-0003,漢字 読み,漢字,営業1課,営業部,smartphone,2024-04-01,,in_service',
      '090-9999-0004,端末 違い,タンマツ,営業1課,営業部,pager,2024-04-01,x@,in_service'].join('\n');
    await page.getByTestId('corp-import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByTestId('corp-import-bad-rows').waitFor();
    await page.getByTestId('corp-import-error').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('corp-import-refused');
    await page.goto(`${base}/corp/history`);
    await page.getByTestId('corp-history-row').first().waitFor();
    await page.waitForTimeout(400);
    await shot('corp-history');
    await page.getByTestId('corp-history-link').nth(1).click();
    await page.getByTestId('corp-detail-row').first().waitFor();
    await page.waitForTimeout(400);
    await shot('corp-history-detail');
  }
}
await browser.close();
