// The app data page (SPEC P2, P3, P5): the apps whose data the account keeps, with their
// names, last backup in the browser's time zone, size and the "no longer supported" mark;
// deleting one app's data or all of it after a confirmation; each phone's two switches.
// In Japanese and English, at phone and PC sizes (the two projects).
import { Page, TestInfo } from '@playwright/test';
import { test, expect, signIn, catalogApp, retireApp, Phone } from './fixtures';

type App = { id: string; ja: string; en: string; bytes: number };

/**
 * Apps of this test alone: the catalog is the whole server's, so each test puts its own ids
 * on it (and takes its own off), whatever runs beside it.
 */
function apps(info: TestInfo) {
  const tag = `t${Date.now()}${info.project.name}${info.workerIndex}`;
  const app = (name: string, ja: string, en: string, bytes: number): App => ({ id: `jp.e2e.${tag}.${name}`, ja, en, bytes });
  return {
    memo: app('memo', 'メモ帳', 'Memo pad', 1500),
    budget: app('budget', '家計簿', 'Household budget', 20_000),
    print: app('print', 'フォトプリント', 'Photo print', 300),
  };
}

/**
 * The apps on the catalog, their data saved by `phone` (`twice`: a second version over the
 * first); `retired` then taken off the catalog.
 */
async function saved(phone: Phone, list: App[], retired: App[] = [], twice: App[] = []) {
  for (const app of list) {
    catalogApp(app.id, app.ja, app.en);
    const etag = await phone.saveAppData(app.id, Buffer.alloc(app.bytes, app.id));
    if (twice.includes(app)) await phone.saveAppData(app.id, Buffer.alloc(app.bytes, 'again'), etag);
  }
  retired.forEach((app) => retireApp(app.id));
}

async function openFromMenu(page: Page) {
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('app-data-link').click();
  await expect(page).toHaveURL(/\/app-data$/);
}

const row = (page: Page, app: App) => page.locator(`[data-testid="app-data-row"][data-app-id="${app.id}"]`);

test.describe('in Tokyo time', () => {
  test.use({ timezoneId: 'Asia/Tokyo' });

  test('lists the apps with names, last backup, size and the unsupported mark, in Japanese and English', async ({ page, request, account }, info) => {
    const { memo, budget, print } = apps(info);
    const phone = await Phone.signIn(request, account);
    await saved(phone, [memo, budget, print], [print]);
    await signIn(page, account);
    await openFromMenu(page);

    await expect(page.getByTestId('app-data-row')).toHaveCount(3);
    await expect(row(page, memo).getByTestId('app-data-name')).toHaveText('メモ帳');
    await expect(row(page, memo).getByTestId('app-data-size')).toHaveText('1.5 KB');
    await expect(row(page, budget).getByTestId('app-data-size')).toHaveText('20.0 KB');
    await expect(row(page, print).getByTestId('app-data-size')).toHaveText('300 B');
    // The time the server kept, as the clock in Tokyo read it.
    const listed: { app_id: string; saved_at: string }[] = await (await page.request.get('/api/v1/app-data')).json();
    const part = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
      timeZone: 'Asia/Tokyo', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit',
      hourCycle: 'h23', weekday: 'short',
    }).formatToParts(new Date(listed.find((a) => a.app_id === memo.id)!.saved_at)).map((p) => [p.type, p.value]));
    const weekday = '日月火水木金土'[['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(part.weekday)];
    const tokyo = `${part.year}年${part.month}月${part.day}日（${weekday}） ${Number(part.hour)}:${part.minute}`;
    await expect(row(page, memo).getByTestId('app-data-saved-at')).toHaveText(tokyo);
    await expect(row(page, memo)).toContainText('最終バックアップ');

    // Only the app taken off the catalog is marked; its data can still be deleted.
    await expect(row(page, print).getByTestId('app-data-unsupported')).toHaveText('サポート終了');
    await expect(row(page, print)).toContainText('保存済みのデータは削除できます');
    await expect(row(page, memo).getByTestId('app-data-unsupported')).toHaveCount(0);
    await expect(row(page, print).getByTestId('app-data-delete')).toHaveAccessibleName('フォトプリントのデータを削除');

    await page.getByTestId('lang-switch').click();
    await expect(row(page, memo).getByTestId('app-data-name')).toHaveText('Memo pad');
    await expect(row(page, print).getByTestId('app-data-name')).toHaveText('Photo print');
    await expect(row(page, print).getByTestId('app-data-unsupported')).toHaveText('No longer supported');
    await expect(row(page, memo)).toContainText('Last backup');
    await expect(page.getByTestId('app-data-delete-all')).toHaveText('Delete all app data');

    // Touch targets: every button and switch at least 44 px tall (UI.md).
    for (const control of [row(page, memo).getByTestId('app-data-delete'), page.getByTestId('app-data-delete-all'),
      page.getByTestId('app-data-switch-use'), page.getByTestId('app-data-switch-abroad')]) {
      expect((await control.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    }
  });
});

test("deletes one app's data after a confirmation; Cancel and Esc keep it", async ({ page, request, account }, info) => {
  const { memo, budget, print } = apps(info);
  const phone = await Phone.signIn(request, account);
  await saved(phone, [memo, budget, print], [print], [memo]);
  await signIn(page, account);
  await page.goto('/app-data');

  await row(page, memo).getByTestId('app-data-delete').click();
  const dialog = page.getByTestId('app-data-confirm-delete');
  await expect(dialog).toContainText('「メモ帳」のデータを削除しますか？');
  await expect(dialog).toContainText('このアプリのバックアップ（以前のバージョンを含めて2件）を削除します');
  await expect(dialog).toContainText('スマホのアプリ内のデータはそのまま残ります');
  // The safe choice has focus; Cancel keeps the data.
  await expect(page.getByTestId('app-data-confirm-cancel')).toBeFocused();
  await page.getByTestId('app-data-confirm-cancel').click();
  await expect(dialog).toHaveCount(0);
  await expect(row(page, memo)).toBeVisible();

  // By keyboard: Enter opens it, Esc closes it and gives focus back.
  const remove = row(page, memo).getByTestId('app-data-delete');
  await remove.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(remove).toBeFocused();
  await expect(row(page, memo)).toBeVisible();

  // Confirmed: only that app's data goes, and focus lands on the list's heading.
  await page.keyboard.press('Enter');
  await page.getByTestId('app-data-confirm-ok').click();
  await expect(row(page, memo)).toHaveCount(0);
  await expect(page.getByTestId('app-data-row')).toHaveCount(2);
  await expect(page.locator('#app-data-apps')).toBeFocused();
  const left: { app_id: string }[] = await (await page.request.get('/api/v1/app-data')).json();
  expect(left.map((a) => a.app_id).sort()).toEqual([budget.id, print.id].sort());

  // An app no longer supported is deleted the same way.
  await row(page, print).getByTestId('app-data-delete').click();
  await expect(page.getByTestId('app-data-confirm-delete')).toContainText('「フォトプリント」');
  // Its only backup: no count of versions.
  await expect(page.getByTestId('app-data-confirm-delete')).toContainText('このアプリのバックアップを削除します');
  await page.getByTestId('app-data-confirm-ok').click();
  await expect(page.getByTestId('app-data-row')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('app-data-row')).toHaveCount(1);
  await expect(row(page, budget)).toBeVisible();
});

for (const [locale, title, keeps, done, explains] of [
  ['ja-JP', '3個のアプリのデータをすべて削除しますか？', '各スマホのアプリは、いま持っているデータをそのまま使い続けます',
    '3個のアプリのデータを削除しました。', '初めて使ったときや設定を変えたときに、自動でデータをバックアップします'],
  ['en-US', 'Delete all app data (3 apps)?', 'The apps on your phones keep the data they have now.',
    'The data of 3 apps was deleted.', 'Supported apps back up their data automatically'],
]) {
  test.describe(locale, () => {
    test.use({ locale });

    test('deletes all app data at once, naming how many apps, then explains how apps back up', async ({ page, request, account }, info) => {
      const { memo, budget, print } = apps(info);
      const phone = await Phone.signIn(request, account);
      await saved(phone, [memo, budget, print], [print]);
      await signIn(page, account);
      await page.goto('/app-data');
      await expect(page.getByTestId('app-data-row')).toHaveCount(3);

      await page.getByTestId('app-data-delete-all').click();
      const dialog = page.getByTestId('app-data-confirm-delete-all');
      await expect(dialog.locator('h2')).toHaveText(title);
      await expect(dialog).toContainText(keeps);
      await page.getByTestId('app-data-confirm-cancel').click();
      await expect(page.getByTestId('app-data-row')).toHaveCount(3);

      await page.getByTestId('app-data-delete-all').click();
      await page.getByTestId('app-data-confirm-ok').click();
      await expect(page.getByTestId('app-data-deleted')).toHaveText(done);
      await expect(page.getByTestId('app-data-empty')).toContainText(explains);
      await expect(page.getByTestId('app-data-row')).toHaveCount(0);
      await expect(page.getByTestId('app-data-delete-all')).toHaveCount(0);
      expect(await (await page.request.get('/api/v1/app-data')).json()).toEqual([]);
    });
  });
}

test('an account without app data or phones says how apps back up and where the switches come from', async ({ page, account }) => {
  await signIn(page, account);
  await openFromMenu(page);
  const empty = page.getByTestId('app-data-empty');
  await expect(empty).toContainText('バックアップされたアプリデータはありません');
  await expect(empty).toContainText('新しいスマホに替えたときには、自動で復元されます');
  await expect(page.getByTestId('app-data-delete-all')).toHaveCount(0);
  await expect(page.getByTestId('app-data-no-phones')).toContainText('ROOMに登録すると');
  await page.getByTestId('lang-switch').click();
  await expect(empty).toContainText('No app data backed up yet');
  await expect(page.getByTestId('app-data-no-phones')).toContainText('register it in a ROOM');
});

test("each phone's two switches change, by click and by keyboard, and stay changed", async ({ page, request, account }) => {
  const pixel = await Phone.signIn(request, account, 1, 'Pixel');
  const galaxy = await Phone.signIn(request, account, 2, 'Galaxy');
  await signIn(page, account);
  await page.goto('/app-data');
  const card = (room: number) => page.locator(`[data-testid="app-data-phone"][data-room="${room}"]`);
  await expect(card(1).getByTestId('app-data-phone-name')).toHaveText('Pixel');
  await expect(card(2).getByTestId('app-data-phone-name')).toHaveText('Galaxy');
  const use1 = card(1).getByTestId('app-data-switch-use');
  const abroad2 = card(2).getByTestId('app-data-switch-abroad');
  await expect(use1).toHaveAccessibleName('アプリデータバックアップを利用する');
  await expect(abroad2).toHaveAccessibleName('海外利用時もバックアップ/復元する');
  await expect(use1).toHaveAttribute('aria-checked', 'true');
  await expect(abroad2).toHaveAttribute('aria-checked', 'false');

  await use1.click();
  await expect(use1).toHaveAttribute('aria-checked', 'false');
  await expect(use1).toContainText('オフ');
  await abroad2.focus();
  await page.keyboard.press('Space');
  await expect(abroad2).toHaveAttribute('aria-checked', 'true');
  // A click on the label toggles too.
  await card(2).getByText('アプリデータバックアップを利用する').click();
  await expect(card(2).getByTestId('app-data-switch-use')).toHaveAttribute('aria-checked', 'false');
  for (const saving of [use1, abroad2, card(2).getByTestId('app-data-switch-use')]) {
    await expect(saving).not.toHaveAttribute('aria-disabled', 'true');
  }

  await page.reload();
  await expect(use1).toHaveAttribute('aria-checked', 'false');
  await expect(card(1).getByTestId('app-data-switch-abroad')).toHaveAttribute('aria-checked', 'false');
  await expect(card(2).getByTestId('app-data-switch-use')).toHaveAttribute('aria-checked', 'false');
  await expect(abroad2).toHaveAttribute('aria-checked', 'true');
  // The phones read what the page set.
  expect(await pixel.appDataSwitches()).toEqual({ use: false, abroad: false });
  expect(await galaxy.appDataSwitches()).toEqual({ use: false, abroad: true });

  await page.getByTestId('lang-switch').click();
  await expect(use1).toHaveAccessibleName('Use app data backup');
  await expect(use1).toContainText('Off');
  await use1.click();
  await expect(use1).toHaveAttribute('aria-checked', 'true');
  await expect(use1).not.toHaveAttribute('aria-disabled', 'true');
  expect(await pixel.appDataSwitches()).toEqual({ use: true, abroad: false });
});

test('a switch that cannot be saved goes back and says why', async ({ page, request, account }) => {
  await Phone.signIn(request, account, 1, 'Pixel');
  await signIn(page, account);
  await page.goto('/app-data');
  const card = page.locator('[data-testid="app-data-phone"][data-room="1"]');
  const use = card.getByTestId('app-data-switch-use');
  await expect(use).toHaveAttribute('aria-checked', 'true');

  // The server cannot be reached: the switch shows its old state and the reason.
  await page.route('**/api/v1/rooms/1/app-data-switches', (route) => route.abort());
  await use.click();
  await expect(card.getByTestId('app-data-switch-error')).toContainText('サーバーに接続できませんでした');
  await expect(use).toHaveAttribute('aria-checked', 'true');
  await page.unroute('**/api/v1/rooms/1/app-data-switches');

  // The phone left its ROOM meanwhile: the page says so and shows the phones as they are.
  expect((await page.request.delete('/api/v1/rooms/1')).ok()).toBeTruthy();
  await page.getByTestId('lang-switch').click();
  await use.click();
  await expect(page.getByTestId('app-data-phone-gone')).toContainText('had already left its ROOM');
  await expect(page.getByTestId('app-data-phone')).toHaveCount(0);
  await expect(page.getByTestId('app-data-no-phones')).toBeVisible();
});
