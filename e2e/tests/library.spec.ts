// The library's photo grid (SPEC V4, V7): a phone backs up photos through the API, and the
// web viewer shows them grouped by day, newest first, in Japanese and English.
import { test, expect, signIn, Phone } from './fixtures';

test('photos backed up by a phone appear under their day', async ({ page, request, account }) => {
  test.slow(); // thumbnails come from background jobs, which a busy machine runs late
  const phone = await Phone.signIn(request, account);
  await phone.photos(3, 1723680000); // 2024-08-15 09:00 in Japan, a Thursday
  await signIn(page, account);
  await expect(page.getByTestId('timeline-item')).toHaveCount(3);
  await expect(page.getByTestId('day-heading')).toHaveText(['2024年8月15日（木）']);
  await expect(page.getByTestId('timeline-item').first()).toHaveAttribute('data-badge', 'cloud_only');
  // Thumbnails are made in the background; once they are, a reload shows them as images.
  await phone.picturesReady('2024-08', 3);
  await page.reload();
  await expect(page.locator('[data-testid="timeline-item"] img')).toHaveCount(3);
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('day-heading')).toHaveText(['Thu, Aug 15, 2024']);
});

test('an account without backups sees how to start', async ({ page, account }) => {
  await signIn(page, account);
  await expect(page.getByTestId('library-empty')).toContainText('スマホのアプリからバックアップすると');
});

// Which phone am I looking at (issue 16, item 3): the ROOM and its phone are always named, even
// with one used ROOM, and a 40-character name never makes a page scroll sideways.
// No space and no Japanese, so the browser finds no place to break it: the worst case.
const LONG_NAME = 'Pixel_9_Pro_XL_for_family_trips_and_work_phone'.slice(0, 40);

async function noSidewaysScroll(page: import('@playwright/test').Page) {
  // Neither the page nor any box in it (the frame may scroll inside) is wider than the screen,
  // and no text runs out of its box unless the box clips it (an ellipsis).
  const wide = await page.evaluate(() => {
    const inner = window.innerWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > inner) out.push('page');
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || el.closest('select')) continue;
      const clipped = ['hidden', 'clip'].includes(style.overflowX);
      if (el.getBoundingClientRect().right > inner + 1 || (!clipped && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)) {
        out.push(`${el.tagName}.${el.className} ${el.dataset.testid ?? ''}`);
      }
    }
    return out;
  });
  expect(wide).toEqual([]);
}

test('the library names the ROOM and phone it shows, even a long name, without scrolling sideways', async ({ page, request, account }) => {
  expect(LONG_NAME).toHaveLength(40);
  const phone = await Phone.signIn(request, account, 1, LONG_NAME);
  await phone.photos(1, 1723680000);
  await signIn(page, account);
  await expect(page.getByTestId('timeline-item')).toHaveCount(1);
  const viewing = page.getByTestId('room-viewing');
  await expect(viewing).toContainText('表示中');
  await expect(page.getByTestId('room-viewing-number')).toHaveText('ROOM 1');
  await expect(page.getByTestId('room-viewing-name')).toHaveText(LONG_NAME);
  await expect(viewing).toHaveAttribute('title', `ROOM 1 · ${LONG_NAME}`);
  await expect(page.getByTestId('room-switch')).toHaveCount(0); // one used ROOM: nothing to switch
  await noSidewaysScroll(page);
  await page.getByTestId('lang-switch').click();
  await expect(viewing).toContainText('Viewing');
  await expect(page.getByTestId('room-viewing-number')).toHaveText('ROOM 1');
  await noSidewaysScroll(page);

  await page.goto('/phones');
  const room1 = page.locator('[data-testid="room-card"][data-room="1"]');
  await expect(room1.getByTestId('room-name')).toHaveText(LONG_NAME);
  await noSidewaysScroll(page);
});

test('an unused ROOM says it has no backups yet and leads back to a ROOM with data', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account, 1, 'Pixel');
  await phone.photos(1, 1723680000);
  await signIn(page, account);
  await expect(page.getByTestId('timeline-item')).toHaveCount(1);
  await page.goto('/?room=2');
  const unused = page.getByTestId('room-unused');
  await expect(unused).toContainText('ROOM 2 にはまだバックアップがありません');
  await expect(page.getByTestId('room-viewing')).toHaveCount(0);
  await expect(page.getByTestId('room-back')).toHaveText('ROOM 1 を表示する');
  await page.getByTestId('lang-switch').click();
  await expect(unused).toContainText('ROOM 2 has no backups yet');
  await page.getByTestId('room-back').click();
  await expect(page).toHaveURL(/\?room=1$/);
  await expect(page.getByTestId('timeline-item')).toHaveCount(1);
  await expect(page.getByTestId('room-viewing-name')).toHaveText('Pixel');
});

test('a ROOM that does not exist says so instead of showing ROOM 1', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account, 1, 'Pixel');
  await phone.photos(1, 1723680000);
  await Phone.signIn(request, account, 2, 'iPhone'); // two used ROOMs: the switch is shown
  await signIn(page, account);
  await expect(page.getByTestId('timeline-item')).toHaveCount(1);
  await expect(page.getByTestId('room-switch')).toHaveValue('1');
  for (const bad of ['4', 'x']) {
    await page.goto(`/?room=${bad}`);
    await expect(page.getByTestId('room-missing')).toContainText(`ROOM ${bad} はありません`);
    await expect(page.getByTestId('timeline-item')).toHaveCount(0);
    await expect(page.getByTestId('room-switch')).toHaveValue(''); // not ROOM 1 in disguise
  }
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('room-missing')).toContainText('There is no ROOM x');
  await expect(page.getByTestId('room-back')).toHaveText('Show ROOM 1');
  await page.getByTestId('room-back').click();
  await expect(page.getByTestId('timeline-item')).toHaveCount(1);
  await expect(page.getByTestId('room-viewing-number')).toHaveText('ROOM 1');
  await expect(page.getByTestId('room-switch')).toHaveValue('1');
});
