// The web viewer (issue 4, SPEC V3–V15): the virtualized grid and its scroll-date rail,
// selection, the photo view, delete, downloads (one ZIP of up to 50, byte for byte), Range on
// originals, video, the other tabs and ROOM switching — at phone and PC sizes.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, expect, jpeg, signIn, Phone, PASSWORD } from './fixtures';

const DAY = 86_400;
/** 2021-03-01 12:00 in Japan. */
const MARCH_2021 = 1614567600;

test('the grid keeps only nearby rows in the page and the rail reaches the oldest month', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account);
  // One photo a week for 60 weeks: 2021-03 .. 2022-04.
  for (let i = 0; i < 60; i++) await phone.upload(`IMG_${i}.jpg`, jpeg(i), MARCH_2021 + i * 7 * DAY);
  await signIn(page, account);
  await expect(page.getByTestId('day-heading').first()).toHaveText('2022年4月18日（月）');
  // Tiles arrive once their month's page has loaded; far rows are never in the page.
  await expect(page.getByTestId('timeline-item').first()).toBeVisible();
  expect(await page.getByTestId('timeline-item').count()).toBeLessThan(60);

  const thumb = page.getByTestId('scroll-rail-thumb');
  await thumb.focus();
  await page.keyboard.press('End');
  await expect(thumb).toHaveAttribute('aria-valuetext', '2021年3月');
  await expect(page.getByText('2021年3月1日（月）')).toBeVisible();
  await page.keyboard.press('Home');
  await expect(thumb).toHaveAttribute('aria-valuetext', '2022年4月');
  await page.keyboard.press('ArrowDown');
  await expect(thumb).toHaveAttribute('aria-valuetext', '2022年3月');

  // Dragging the rail to its end shows the oldest month, also in English.
  await page.getByTestId('lang-switch').click();
  const rail = (await page.getByTestId('scroll-rail').boundingBox())!;
  await page.mouse.move(rail.x + rail.width / 2, rail.y + 10);
  await page.mouse.down();
  await page.mouse.move(rail.x + rail.width / 2, rail.y + rail.height - 5, { steps: 6 });
  await expect(page.getByTestId('scroll-rail-label')).toHaveText('Mar 2021');
  await page.mouse.up();
  await expect(page.getByText('Mon, Mar 1, 2021')).toBeVisible();
});

/** A 24×32 portrait: the tiny JPEG with its frame's height and width swapped (the same blocks). */
function portrait(n: number): Buffer {
  const bytes = Buffer.from(jpeg(n));
  const frame = bytes.indexOf(Buffer.from([0xff, 0xc0]));
  bytes.writeUInt16BE(32, frame + 5);
  bytes.writeUInt16BE(24, frame + 7);
  return bytes;
}

test('on a PC days share justified rows that keep each photo\'s shape; a date stays in sight; the keyboard moves by arrows', async ({ page, request, account }, info) => {
  test.skip(info.project.name !== 'pc', 'phones keep the square grid');
  const phone = await Phone.signIn(request, account);
  // 1 to 3 photos a day for 24 days of March, every third a portrait.
  let n = 0;
  for (let day = 0; day < 24; day++) {
    for (let k = 0; k <= day % 3; k++, n++) {
      await phone.upload(`IMG_${n}.jpg`, n % 3 === 1 ? portrait(n) : jpeg(n), MARCH_2021 + day * DAY + k * 60);
    }
  }
  await phone.picturesReady('2021-03', n);
  await signIn(page, account);
  await expect(page.locator('[data-testid="timeline-item"] img').first()).toBeVisible();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="timeline-item"] img')]
    .every((i) => (i as HTMLImageElement).complete));
  const rows = await page.getByTestId('timeline').evaluate((grid) => {
    const width = grid.getBoundingClientRect().width;
    const byTop = new Map<number, { left: number; right: number }>();
    const shapes: number[] = [];
    for (const tile of grid.querySelectorAll('[data-testid="timeline-item"]')) {
      const r = tile.getBoundingClientRect();
      const row = byTop.get(Math.round(r.top)) ?? { left: Infinity, right: 0 };
      byTop.set(Math.round(r.top), { left: Math.min(row.left, r.left), right: Math.max(row.right, r.right) });
      const img = tile.querySelector('img')!;
      shapes.push((r.width / r.height) / (img.naturalWidth / img.naturalHeight));
    }
    const left = grid.getBoundingClientRect().left;
    return { fills: [...byTop.values()].map((r) => (r.right - left) / width), shapes };
  });
  // Every row but the last is filled; no day opens a half-empty row; no photo is cropped.
  expect(rows.fills.length).toBeGreaterThan(3);
  for (const fill of rows.fills.slice(0, -1)) expect(fill).toBeGreaterThan(0.97);
  for (const shape of rows.shapes) expect(Math.abs(shape - 1)).toBeLessThan(0.03);
  expect(await page.getByTestId('day-heading').count()).toBeGreaterThan(rows.fills.length);

  // Once the first date band has scrolled away, the date of the top photos stays in sight.
  await expect(page.getByTestId('sticky-date')).not.toHaveClass(/shown/);
  await page.getByTestId('timeline').evaluate((g) => g.scrollBy(0, 300));
  await expect(page.getByTestId('sticky-date')).toHaveClass(/shown/);
  await expect(page.getByTestId('sticky-date')).toHaveAttribute('data-date', /^2021年3月\d+日（.）$/);

  // One Tab stop: arrows move between photos (and day checks), X selects, D goes to the rail.
  await page.getByTestId('timeline').focus();
  const active = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  await expect.poll(active).toMatch(/open-item|select-day/);
  // Down from a date band reaches that day's photos.
  for (let i = 0; i < 3 && (await active()) !== 'open-item'; i++) await page.keyboard.press('ArrowDown');
  expect(await active()).toBe('open-item');
  const first = await page.evaluate(() => document.activeElement!.closest('[data-id]')!.getAttribute('data-id'));
  await page.keyboard.press('x');
  await expect(page.getByTestId('selection-count')).toHaveText('1件を選択中');
  await page.keyboard.press('ArrowRight');
  const next = await page.evaluate(() => document.activeElement!.closest('[data-id]')?.getAttribute('data-id'));
  expect(next).not.toBe(first);
  await page.keyboard.press('x');
  await expect(page.getByTestId('selection-count')).toHaveText('2件を選択中');
  await page.keyboard.press('d');
  await expect(page.getByTestId('scroll-rail-thumb')).toBeFocused();
});

test('selecting by corner, by day and by shift-click; the bar counts and clears', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account);
  await phone.photos(3, MARCH_2021);
  await phone.photos(3, MARCH_2021 + DAY, 3);
  await signIn(page, account);
  const items = page.getByTestId('timeline-item');
  await expect(items).toHaveCount(6);
  await items.nth(0).getByTestId('select-item').click();
  await expect(page.getByTestId('selection-count')).toHaveText('1件を選択中');
  await expect(items.nth(0)).toHaveClass(/selected/);
  // With a selection, a click on a picture selects instead of opening it.
  await items.nth(4).getByTestId('open-item').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('5件を選択中');
  await page.getByTestId('selection-clear').click();
  await expect(page.getByTestId('selection-bar')).toHaveCount(0);
  await page.getByTestId('select-day').nth(1).click();
  await expect(page.getByTestId('selection-count')).toHaveText('3件を選択中');
  await expect(page.getByTestId('select-day').nth(1)).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('select-day').nth(1).click();
  await expect(page.getByTestId('selection-bar')).toHaveCount(0);
});

test('sorting by save status groups cloud-only, on-phone and excluded photos', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account);
  const files = [...(await phone.photos(3, MARCH_2021)).values()];
  await phone.report([files[1]]);
  await phone.exclude([files[2]]);
  await signIn(page, account);
  await expect(page.getByTestId('timeline-item')).toHaveCount(3);
  await page.getByTestId('sort-switch').selectOption('status');
  await expect(page).toHaveURL(/sort=status/);
  await expect(page.getByTestId('status-section')).toHaveText(['クラウドだけにあります', 'スマホとクラウドにあります', 'バックアップ対象外']);
  // Each group's month loads on its own; wait until all three tiles are there.
  await expect.poll(() => page.getByTestId('timeline-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-badge'))))
    .toEqual(['cloud_only', 'phone_and_cloud', 'excluded']);
  await page.getByTestId('filter-switch').selectOption('videos');
  await expect(page.getByTestId('library-empty')).toBeVisible();
});

test('the photo view: preview, info, previous/next, Esc, and the URL names the photo', async ({ page, request, account }) => {
  test.slow(); // the preview comes from a background job, which a busy machine runs late
  const phone = await Phone.signIn(request, account);
  await phone.photos(3, MARCH_2021);
  await signIn(page, account);
  await page.getByTestId('open-item').first().click();
  const viewer = page.getByTestId('photo-viewer');
  await expect(viewer).toBeVisible();
  await expect(page).toHaveURL(/item=\d+/);
  const first = page.url();
  await page.getByTestId('photo-viewer-info').click();
  await expect(page.getByTestId('info-name')).toHaveText('IMG_2.jpg');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('info-name')).toHaveText('IMG_1.jpg');
  await page.getByTestId('photo-viewer-next').click();
  await expect(page.getByTestId('info-name')).toHaveText('IMG_0.jpg');
  await expect(page.getByTestId('photo-viewer-next')).toBeDisabled();
  await page.getByTestId('photo-viewer-prev').click();
  await expect(page.getByTestId('info-name')).toHaveText('IMG_1.jpg');
  // The preview is made in the background (with the thumbnail): shown once ready.
  await phone.picturesReady('2021-03', 3);
  await page.reload();
  await expect(page.getByTestId('viewer-image')).toBeVisible();
  // A touch phone zooms by pinching (its buttons give the date their room); + works everywhere.
  const zoomIn = page.getByTestId('photo-viewer-zoom-in');
  if (await zoomIn.isVisible()) await zoomIn.click(); else await page.keyboard.press('+');
  await expect(page.getByTestId('viewer-image')).toHaveCSS('transform', /matrix\(1\.5/);
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await expect(page).not.toHaveURL(/item=/);
  expect(first).toContain('item=');
});

test('the photo view takes focus, keeps Tab inside and gives focus back to the tile on Esc', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account);
  await phone.photos(3, MARCH_2021);
  await signIn(page, account);
  const tile = page.getByTestId('timeline-item').nth(1).getByTestId('open-item');
  await tile.click();
  const viewer = page.getByTestId('photo-viewer');
  await expect(viewer).toBeVisible();
  const inside = () => viewer.evaluate((v) => v.contains(document.activeElement));
  await expect.poll(inside).toBe(true);
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await inside()).toBe(true);
  }
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await inside()).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await expect(tile).toBeFocused();
});

test('a deleted photo disappears after a confirmation that names what is kept', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account);
  await phone.photos(3, MARCH_2021);
  await signIn(page, account);
  const items = page.getByTestId('timeline-item');
  await expect(items).toHaveCount(3);
  await items.nth(0).getByTestId('select-item').click();
  await page.getByTestId('selection-delete').click();
  const dialog = page.getByTestId('confirm-delete');
  await expect(dialog).toContainText('1件のファイルを削除しますか？');
  await expect(dialog).toContainText('元に戻せません');
  await expect(dialog).toContainText('スマホ内の写真や動画は削除されません');
  await page.getByTestId('confirm-delete-cancel').click();
  await expect(items).toHaveCount(3);
  const doomed = await items.nth(0).getAttribute('data-id');
  await page.getByTestId('selection-delete').click();
  await page.getByTestId('confirm-delete-ok').click();
  await expect(items).toHaveCount(2);
  await expect(page.locator(`[data-testid="timeline-item"][data-id="${doomed}"]`)).toHaveCount(0);
  await expect(page.getByTestId('selection-bar')).toHaveCount(0);
  // From the photo view too; the server no longer has it.
  await items.nth(0).getByTestId('open-item').click();
  await page.getByTestId('photo-viewer-delete').click();
  await page.getByTestId('confirm-delete-ok').click();
  await expect(items).toHaveCount(1);
  expect((await page.request.get(`/api/v1/items/${doomed}/original`)).status()).toBe(404);
});

test('50 photos download as one ZIP identical to the originals; a 51st is refused', async ({ page, request, account }, info) => {
  const phone = await Phone.signIn(request, account);
  const originals = await phone.photos(51, MARCH_2021);
  await signIn(page, account);
  await page.getByTestId('select-day').first().click();
  await expect(page.getByTestId('selection-count')).toHaveText('51件を選択中');
  await expect(page.getByTestId('download-too-many')).toContainText('50ファイルまで');
  let asked = false;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/downloads')) asked = true; });
  await page.getByTestId('selection-download').click();
  expect(asked).toBe(false);
  // The server refuses too, with a clear message.
  const ids = await page.getByTestId('timeline-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
  const refused = await page.request.post('/api/v1/downloads', { data: { item_ids: [...ids, ...ids].slice(0, 51) } });
  expect(refused.status()).toBeGreaterThanOrEqual(400);
  expect(refused.status()).toBeLessThan(500);

  await page.getByTestId('timeline-item').first().getByTestId('select-item').click();
  await expect(page.getByTestId('selection-count')).toHaveText('50件を選択中');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('selection-download').click()]);
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  const zip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hako-zip-')), 'photos.zip');
  await download.saveAs(zip);
  // Python's zipfile checks every CRC and gives back each member's bytes.
  const listing = JSON.parse(execFileSync('python3', ['-c', `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))
`, zip]).toString());
  expect(Object.keys(listing)).toHaveLength(50);
  const { createHash } = await import('node:crypto');
  for (const [name, digest] of Object.entries(listing)) {
    const original = originals.get(name);
    expect(original, `${name} is one of the originals`).toBeDefined();
    expect(digest).toBe(createHash('sha256').update(original!).digest('hex'));
  }
  info.annotations.push({ type: 'zip', description: `${fs.statSync(zip).size} bytes` });
});

test('originals answer Range requests: 206 with the exact bytes, 416 past the end', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account);
  const originals = await phone.photos(1, MARCH_2021);
  const bytes = originals.get('IMG_0.jpg')!;
  await signIn(page, account);
  const id = await page.getByTestId('timeline-item').first().getAttribute('data-id');
  const part = await page.request.get(`/api/v1/items/${id}/original`, { headers: { Range: 'bytes=10-29' } });
  expect(part.status()).toBe(206);
  expect(part.headers()['content-range']).toBe(`bytes 10-29/${bytes.length}`);
  expect(part.headers()['accept-ranges']).toBe('bytes');
  expect(Buffer.compare(await part.body(), bytes.subarray(10, 30))).toBe(0);
  const past = await page.request.get(`/api/v1/items/${id}/original`, { headers: { Range: `bytes=${bytes.length + 10}-` } });
  expect(past.status()).toBe(416);
  const whole = await page.request.get(`/api/v1/items/${id}/original`);
  expect(whole.headers()['content-disposition']).toContain('attachment');
  expect(whole.headers()['x-content-type-options']).toBe('nosniff');
});

test('a video plays from the server and seeks', async ({ page, request, account }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hako-video-'));
  const file = path.join(dir, 'clip.webm');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=4:size=160x120:rate=10',
    '-c:v', 'libvpx', '-b:v', '200k', file]);
  const phone = await Phone.signIn(request, account);
  await phone.upload('clip.webm', fs.readFileSync(file), MARCH_2021);
  await phone.upload('older.jpg', jpeg(1), MARCH_2021 - DAY);
  await signIn(page, account);
  // Both months' pages in (either may arrive first), the newest item is the video.
  await expect(page.getByTestId('open-item')).toHaveCount(2);
  await page.getByTestId('open-item').first().click();
  const video = page.getByTestId('viewer-video');
  await expect(video).toBeVisible();
  await video.evaluate((v: HTMLVideoElement) => new Promise<void>((resolve) => {
    v.muted = true;
    const seek = () => { v.addEventListener('seeked', () => resolve(), { once: true }); v.currentTime = 3; };
    if (v.readyState >= 1) seek(); else v.addEventListener('loadedmetadata', seek, { once: true });
  }));
  expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(2.5);
  // → on the focused video is the video's own key (seeking), not "next photo".
  await video.focus();
  const url = page.url();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(url);
  // Elsewhere in the view it is: the next (older) photo.
  await page.getByTestId('photo-viewer-close').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page).not.toHaveURL(url);
});

test('music, documents, contacts, calendar and calls each have their tab', async ({ page, request, account }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hako-music-'));
  const song = path.join(dir, 'song.mp3');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3',
    '-metadata', 'title=海の歌', '-metadata', 'artist=はこバンド', '-metadata', 'album=夏', song]);
  const phone = await Phone.signIn(request, account);
  await phone.upload('song.mp3', fs.readFileSync(song), MARCH_2021);
  await phone.upload('メモ.txt', Buffer.from('こんにちは、Hako。\n'), MARCH_2021);
  await phone.backup('contacts',
    'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\nN:山田;太郎;;;\r\nX-PHONETIC-LAST-NAME:やまだ\r\nX-PHONETIC-FIRST-NAME:たろう\r\nTEL:090-1111-2222\r\nEMAIL:taro@example.jp\r\nEND:VCARD\r\n' +
    'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:青木 花子\r\nN:青木;花子;;;\r\nX-PHONETIC-LAST-NAME:あおき\r\nX-PHONETIC-FIRST-NAME:はなこ\r\nTEL:080-3333-4444\r\nEND:VCARD\r\n');
  await phone.backup('calendar',
    'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hako//e2e//JA\r\nBEGIN:VEVENT\r\nUID:1@e2e\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240814T100000\r\nDTEND:20240814T110000\r\nSUMMARY:歯医者\r\nLOCATION:駅前\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
  await phone.backup('call_history', JSON.stringify([
    { number: '090-1111-2222', name: '山田 太郎', direction: 'incoming', time: '2024-08-15T09:30:00+09:00', duration_secs: 125 },
    { number: '0120-000-000', direction: 'missed', time: '2024-08-15T12:00:00+09:00', duration_secs: 0 },
  ]));
  await signIn(page, account);

  await page.getByTestId('tab-music').click();
  await expect(page).toHaveURL(/tab=music/);
  await expect(page.getByTestId('music-title')).toHaveText(['海の歌']);
  await page.getByTestId('music-play').click();
  await expect(page.getByTestId('music-player-title')).toHaveText('海の歌');
  // The player keeps playing while browsing other tabs.
  await page.getByTestId('tab-documents').click();
  await expect(page.getByTestId('music-player')).toBeVisible();
  await expect(page.getByTestId('document')).toContainText(['メモ.txt']);
  const opened = await page.request.get((await page.getByTestId('document-open').getAttribute('href'))!);
  expect(opened.headers()['content-type']).toContain('text/plain');
  expect(await opened.text()).toContain('こんにちは');

  await page.getByTestId('tab-contacts').click();
  await expect(page.getByTestId('contact-name')).toHaveText(['青木 花子', '山田 太郎']);
  await page.keyboard.press('/');
  await page.keyboard.type('たろう');
  await expect(page.locator('[data-testid="contact"]:visible')).toHaveCount(1);
  await expect(page.locator('[data-testid="contact"]:visible')).toContainText('090-1111-2222');

  await page.getByTestId('tab-calendar').click();
  await expect(page.getByTestId('event-day')).toHaveText(['2024年8月14日（水）']);
  await expect(page.getByTestId('event-summary')).toHaveText(['歯医者']);

  await page.getByTestId('tab-calls').click();
  await expect(page.getByTestId('call')).toHaveCount(2);
  await expect(page.getByTestId('call').first()).toContainText('不在着信');
  await page.reload();
  await expect(page.getByTestId('call')).toHaveCount(2);
});

test('the menu switches ROOMs; the URL keeps the ROOM over reload and back', async ({ page, request, account }) => {
  const first = await Phone.signIn(request, account, 1, 'Pixel');
  await first.photos(2, MARCH_2021);
  const second = await Phone.signIn(request, account, 2, 'iPhone');
  await second.photos(1, MARCH_2021, 10);
  await signIn(page, account);
  await expect(page.getByTestId('timeline-item')).toHaveCount(2);
  await page.getByTestId('room-switch').selectOption('2');
  await expect(page).toHaveURL(/room=2/);
  await expect(page.getByTestId('timeline-item')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('timeline-item')).toHaveCount(1);
  await page.goBack();
  await expect(page.getByTestId('timeline-item')).toHaveCount(2);
});

// Issue 16 item 4: deep links survive sign-in, the browser tab names the page, the tab and the
// photo, and closing the photo view asks the server for nothing more.
for (const [locale, library, contacts, accountTitle, signInTitle] of [
  ['ja-JP', 'ライブラリ', '連絡先', 'アカウント情報', 'Hako にサインイン'],
  ['en-US', 'Library', 'Contacts', 'Account information', 'Sign in to Hako'],
]) {
  test.describe(locale, () => {
    test.use({ locale });

    test('a photo link opened signed out lands on the photo after sign-in; titles name page, tab and photo', async ({ page, request, account }) => {
      const email = account;
      const phone = await Phone.signIn(request, email);
      await phone.photos(2, MARCH_2021);
      const asked: string[] = [];
      page.on('request', (r) => { if (/\/api\/v1\/items\/\d+$/.test(new URL(r.url()).pathname)) asked.push(new URL(r.url()).pathname); });
      await signIn(page, email);
      await expect(page).toHaveTitle(`${library} – Hako`);
      await page.getByTestId('open-item').first().click();
      await expect(page.getByTestId('photo-viewer')).toBeVisible();
      await expect(page).toHaveTitle('IMG_1.jpg – Hako');
      const link = new URL(page.url());
      expect(link.searchParams.get('item')).toMatch(/^\d+$/);
      // Closed by its button after a click in the grid: back in history, no item 0 asked for.
      await page.getByTestId('photo-viewer-close').click();
      await expect(page.getByTestId('photo-viewer')).toHaveCount(0);
      await expect(page).toHaveTitle(`${library} – Hako`);
      await page.getByTestId('tab-contacts').click();
      await expect(page).toHaveTitle(`${contacts} – Hako`);
      await page.goto('/account');
      await expect(page).toHaveTitle(`${accountTitle} – Hako`);

      await page.context().clearCookies();
      const deepLink = `${link.pathname}${link.search}`;
      await page.goto(deepLink);
      await expect(page).toHaveURL(/\/signin\?next=/);
      expect(new URL(page.url()).searchParams.get('next')).toBe(deepLink);
      await expect(page).toHaveTitle(`${signInTitle} – Hako`);
      await page.getByTestId('signin-email').fill(email);
      await page.getByTestId('signin-password').fill(PASSWORD);
      await page.getByTestId('signin-submit').click();
      await expect(page.getByTestId('photo-viewer')).toBeVisible();
      expect(`${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe(deepLink);
      await expect(page).toHaveTitle('IMG_1.jpg – Hako');
      // Opened by the link: Esc closes it in place, still without asking for item 0.
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('photo-viewer')).toHaveCount(0);
      await expect(page).not.toHaveURL(/item=/);
      await expect(page).toHaveTitle(`${library} – Hako`);
      expect(asked.filter((p) => p.endsWith('/items/0'))).toEqual([]);
      expect(asked.length).toBeGreaterThanOrEqual(2);

      // Any guarded page survives sign-in; the library's top signs in to plain /signin.
      await page.context().clearCookies();
      await page.goto('/phones');
      await expect(page).toHaveURL(/\/signin\?next=%2Fphones$/);
      await page.getByTestId('signin-email').fill(email);
      await page.getByTestId('signin-password').fill(PASSWORD);
      await page.getByTestId('signin-submit').click();
      await expect(page).toHaveURL(/\/phones$/);
      // Another site is never a place to go after sign-in.
      await page.context().clearCookies();
      await page.goto('/signin?next=//example.com/');
      await page.getByTestId('signin-email').fill(email);
      await page.getByTestId('signin-password').fill(PASSWORD);
      await page.getByTestId('signin-submit').click();
      await expect(page.getByTestId('library-page')).toBeVisible();
      expect(new URL(page.url()).host).toBe(link.host);
    });
  });
}

// Issue 16 item 5: contacts search that folds kana, width and case; a search with no result
// says so; call history written like contacts; the three backups download from their tabs.
for (const [locale, noMatch, missed, libraryLabel] of [
  ['ja-JP', '「すずき」に一致する連絡先はありません。', '不在着信', 'ライブラリ'],
  ['en-US', 'No contacts match “すずき”.', 'Missed', 'Library'],
]) {
  test.describe(locale, () => {
    test.use({ locale });

    test('contacts search folds kana, width and case; calls read like contacts; backups download', async ({ page, request, account }) => {
      const phone = await Phone.signIn(request, account);
      const vcards =
        'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:田中 健\r\nN:田中;健;;;\r\nX-PHONETIC-LAST-NAME:タナカ\r\nX-PHONETIC-FIRST-NAME:ケン\r\nTEL:09011852455\r\nEMAIL:KEN@example.jp\r\nEND:VCARD\r\n' +
        'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\nN:山田;太郎;;;\r\nX-PHONETIC-LAST-NAME:やまだ\r\nX-PHONETIC-FIRST-NAME:たろう\r\nTEL:090-1111-2222\r\nEND:VCARD\r\n';
      await phone.backup('contacts', vcards);
      const calendar = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hako//e2e//JA\r\nBEGIN:VEVENT\r\nUID:1@e2e\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240814T100000\r\nDTEND:20240814T110000\r\nSUMMARY:歯医者\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
      await phone.backup('calendar', calendar);
      const calls = [
        { number: '09012371231', direction: 'incoming', time: '2024-08-15T09:30:00+09:00', duration_secs: 125 },
        { number: '0312345678', direction: 'missed', time: '2024-08-15T12:00:00+09:00', duration_secs: 0 },
      ];
      await phone.backup('call_history', JSON.stringify(calls));
      await signIn(page, account);

      await page.getByTestId('tab-contacts').click();
      await expect(page.getByTestId('contact-name')).toHaveText(['田中 健', '山田 太郎']);
      const shown = page.locator('[data-testid="contact"]:visible');
      const search = page.getByTestId('contacts-search');
      // Romaji too (the reading, not the address): 「TANAKA」, 「ｔａｎａｋａ」, 「Tanaka Ken」.
      for (const typed of ['たなか', 'タナカ', 'ﾀﾅｶ', 'TANAKA', 'ｔａｎａｋａ', 'Tanaka Ken', 'たなか　けん', '09011852455', '1185-2455', 'Ken@']) {
        await search.fill(typed);
        await expect(shown, typed).toHaveCount(1);
        await expect(shown, typed).toContainText('田中 健');
      }
      // Its number reads as contacts and calls write it.
      await expect(shown).toContainText('090-1185-2455');
      await search.fill('ﾔﾏﾀﾞ');
      await expect(shown).toHaveText([/山田 太郎/]);
      await expect(page.getByTestId('contacts-no-match')).toHaveCount(0);
      await search.fill('すずき');
      await expect(shown).toHaveCount(0);
      await expect(page.getByTestId('contacts-no-match')).toContainText(noMatch);
      await search.fill('');
      await expect(shown).toHaveCount(2);
      await expect(page.getByTestId('contacts-no-match')).toHaveCount(0);

      const vcf = page.waitForEvent('download');
      await page.getByTestId('contacts-download').click();
      const vcfFile = await vcf;
      expect(vcfFile.suggestedFilename()).toBe('contacts.vcf');
      expect(fs.readFileSync((await vcfFile.path())!, 'utf8')).toBe(vcards);

      await page.getByTestId('tab-calendar').click();
      const ics = page.waitForEvent('download');
      await page.getByTestId('calendar-download').click();
      const icsFile = await ics;
      expect(icsFile.suggestedFilename()).toBe('calendar.ics');
      expect(fs.readFileSync((await icsFile.path())!, 'utf8')).toBe(calendar);

      await page.getByTestId('tab-calls').click();
      await expect(page.getByTestId('call-name')).toHaveText(['03-1234-5678', '090-1237-1231']);
      const missedCall = page.getByTestId('call').first();
      await expect(missedCall).toContainText(missed);
      await expect(missedCall).not.toContainText('0:00');
      await expect(missedCall.getByTestId('call-duration')).toHaveText('');
      await expect(page.getByTestId('call').nth(1).getByTestId('call-duration')).toHaveText('2:05');
      const json = page.waitForEvent('download');
      await page.getByTestId('call_history-download').click();
      const jsonFile = await json;
      expect(jsonFile.suggestedFilename()).toBe('call_history.json');
      expect(JSON.parse(fs.readFileSync((await jsonFile.path())!, 'utf8'))).toEqual(calls);

      // An account without these backups has no links to files that do not exist.
      await page.getByTestId('tab-music').click();
      await expect(page.getByTestId('tab-empty')).toBeVisible();
      await expect(page.locator('[data-testid$="-download"]')).toHaveCount(0);
      await expect(page.getByRole('heading', { name: libraryLabel })).toBeVisible();
    });
  });
}
