// The account menu's pages: phones and backup information with rename and Reset ROOM
// (SPEC V18), and the guide and FAQ (V19), in Japanese and English.
import { test, expect, issueLicenseKey, signIn, signOut, Phone, PASSWORD } from './fixtures';

test('the phones page renames a phone and resets its ROOM after naming it', async ({ page, request, account }) => {
  const phone = await Phone.signIn(request, account, 1, 'Pixel');
  await phone.photos(2, 1723680000);
  await signIn(page, account);
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('phones-link').click();
  await expect(page).toHaveURL(/\/phones$/);
  const room1 = page.locator('[data-testid="room-card"][data-room="1"]');
  await expect(room1.getByTestId('room-name')).toHaveText('Pixel');
  await expect(room1.getByTestId('kind-row').first()).toContainText('写真');
  await expect(room1.getByTestId('kind-row').first()).toContainText('2');
  await room1.getByTestId('rename-phone').click();
  await room1.getByTestId('rename-input').fill('仕事用のPixel');
  await room1.getByTestId('rename-save').click();
  await expect(room1.getByTestId('room-name')).toHaveText('仕事用のPixel');

  await room1.getByTestId('reset-room').click();
  const dialog = page.getByTestId('confirm-reset');
  await expect(dialog).toContainText('ROOM 1（仕事用のPixel）をリセットしますか？');
  await expect(dialog).toContainText('スマホ内のデータは削除されません');
  await page.getByTestId('confirm-reset-cancel').click();
  await expect(room1.getByTestId('room-name')).toHaveText('仕事用のPixel');
  await room1.getByTestId('reset-room').click();
  await page.getByTestId('confirm-reset-ok').click();
  await expect(room1.getByTestId('room-name')).toHaveText('空き');
  await expect(room1.getByTestId('stored-total')).toHaveText('0 B');
});

test('the guide and FAQ, from the account menu, in both languages', async ({ page, account }) => {
  await signIn(page, account);
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('guide-link').click();
  await expect(page.getByTestId('guide-page')).toContainText('はじめかた');
  const faq = page.getByTestId('faq-item').filter({ hasText: '一度に何ファイル' });
  await faq.locator('summary').click();
  await expect(faq).toContainText('50ファイルまで');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('guide-page')).toContainText('Getting started');
  await expect(page.getByTestId('faq-item').filter({ hasText: 'How many files' })).toContainText('Up to 50 files');
});

test('account information: register a key, change the password and the user ID', async ({ page, account, readCode }, info) => {
  await signIn(page, account);
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('account-link').click();
  await expect(page.getByTestId('account-member-type')).toHaveText('無料会員');
  await expect(page.getByTestId('account-license-key')).toHaveText('未登録');

  // A mistyped key gets the generic error; the real one makes an unlimited member.
  const key = issueLicenseKey();
  const wrong = key.slice(0, -1) + String((Number(key.slice(-1)) + 1) % 10);
  await page.getByTestId('license-key-input').fill(wrong);
  await page.getByTestId('license-submit').click();
  await expect(page.getByTestId('license-error')).toBeVisible();
  await page.getByTestId('license-key-input').fill(key.replaceAll('-', ' '));
  await page.getByTestId('license-submit').click();
  await expect(page.getByTestId('license-done')).toBeVisible();
  await expect(page.getByTestId('account-member-type')).toHaveText('無制限会員');
  await expect(page.getByTestId('account-license-key')).toHaveText(`****-****-****-${key.slice(-4)}`);

  // Password: the current one is required.
  await page.getByTestId('current-password-input').fill('not the password at all');
  await page.getByTestId('new-password-input').fill('a brand new passphrase');
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('password-error')).toBeVisible();
  await page.getByTestId('current-password-input').fill(PASSWORD);
  await page.getByTestId('password-submit').click();
  await expect(page.getByTestId('password-done')).toBeVisible();

  // User ID: a code to the new address confirms it.
  const newAddress = `moved-${info.project.name}-${Date.now()}@example.jp`;
  await page.getByTestId('new-email-input').fill(newAddress);
  await page.getByTestId('email-password-input').fill('a brand new passphrase');
  await page.getByTestId('email-submit').click();
  await page.getByTestId('email-code-input').fill(await readCode(newAddress));
  await page.getByTestId('email-code-submit').click();
  await expect(page.getByTestId('email-done')).toBeVisible();
  await expect(page.getByTestId('account-email')).toHaveText(newAddress);
  await signOut(page);
  await signIn(page, newAddress, 'a brand new passphrase');
});

test('the Reset ROOM dialog keeps focus inside, closes on Esc and gives focus back', async ({ page, request, account }) => {
  await Phone.signIn(request, account, 1, 'Pixel');
  await signIn(page, account);
  await page.goto('/phones');
  const room1 = page.locator('[data-testid="room-card"][data-room="1"]');
  await room1.getByTestId('reset-room').click();
  const dialog = page.getByTestId('confirm-reset');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('confirm-reset-cancel')).toBeFocused();
  for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(room1.getByTestId('reset-room')).toBeFocused();
  await expect(room1.getByTestId('room-name')).toHaveText('Pixel');
});

test('the bar is 56 px tall on signed-in pages in both languages', async ({ page, account }, info) => {
  test.skip(info.project.name !== 'pc', 'the PC layout shows the language switch with its label');
  await signIn(page, account);
  for (const path of ['/', '/account', '/phones', '/app-data']) {
    await page.goto(path);
    for (let i = 0; i < 2; i++) {
      const bar = page.locator('header.topbar');
      await expect(bar).toBeVisible();
      expect((await bar.boundingBox())?.height).toBe(56);
      // The switch's label stays on one line (in English it reads 「日本語」).
      expect((await page.getByTestId('lang-switch').boundingBox())?.height).toBeLessThanOrEqual(48);
      await page.getByTestId('lang-switch').click();
    }
  }
});
