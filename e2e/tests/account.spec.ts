// The account menu's pages: phones and backup information with rename and Reset ROOM
// (SPEC V18), and the guide and FAQ (V19), in Japanese and English.
import { test, expect, signIn, Phone } from './fixtures';

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
