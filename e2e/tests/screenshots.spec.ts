// Screenshots for docs/ at phone and PC sizes. Runs only when asked:
//   HAKO_SCREENSHOTS=1 npx playwright test screenshots
import * as path from 'node:path';
import { test, expect, PASSWORD } from './fixtures';

test.skip(!process.env.HAKO_SCREENSHOTS, 'set HAKO_SCREENSHOTS=1 to refresh docs/ screenshots');

const shot = (name: string, project: string) =>
  path.resolve(__dirname, '../../docs', `${name}-${project}.png`);

test('the sign-up journey and the library', async ({ page, email, readCode }, info) => {
  const p = info.project.name;
  await page.goto('/signin');
  await expect(page.getByTestId('signin-submit')).toBeVisible();
  await page.screenshot({ path: shot('signin', p) });
  await page.goto('/signup');
  await page.getByTestId('signup-email').fill(email);
  await page.getByTestId('signup-next').click();
  await page.getByTestId('signup-password').fill('short');
  await page.getByTestId('signup-submit').click();
  await expect(page.getByTestId('signup-error')).toBeVisible();
  await page.screenshot({ path: shot('signup-error', p) });
  await page.getByTestId('signup-password').fill(PASSWORD);
  await page.getByTestId('signup-submit').click();
  const code = await readCode(email);
  await page.getByTestId('code-input').fill('000000');
  await page.getByTestId('code-submit').click();
  await expect(page.getByTestId('code-error')).toBeVisible();
  await page.screenshot({ path: shot('code', p) });
  await page.getByTestId('code-input').fill(code);
  await page.getByTestId('code-submit').click();
  await expect(page.getByTestId('signup-done')).toBeVisible();
  await page.screenshot({ path: shot('done', p) });
  await page.getByTestId('signup-done-continue').click();
  await page.getByTestId('account-menu-button').click();
  await expect(page.getByTestId('account-menu')).toBeVisible();
  await page.screenshot({ path: shot('account-menu', p) });
});
