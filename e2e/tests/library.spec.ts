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
