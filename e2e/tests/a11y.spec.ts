// Accessibility (WCAG 2.1 A/AA) with axe: every page of the viewer, and the corporate
// console's, in the light and the dark colour scheme, at phone and PC sizes (projects), has
// no violation of impact "serious" or "critical". Each page is checked on its own
// (expect.soft), so one run lists them all, rule by rule, with its targets and, for contrast,
// the colours and ratio.
import AxeBuilder from '@axe-core/playwright';
import { Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, expect, signIn, catalogApp, Phone, PASSWORD } from './fixtures';
import { CORP_SERVERS } from '../playwright.config';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** 2021-03-01 12:00 in Japan. */
const MARCH_2021 = 1614567600;

/** Runs axe on the page as it is now and checks it softly; `name` says which page. */
async function audit(page: Page, info: TestInfo, name: string) {
  // Let finite transitions end: a half-faded text is not what a reader sees.
  await page.waitForFunction(() => document.getAnimations().every((a) =>
    a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity));
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lines = bad.map((v) => {
    const nodes = v.nodes.slice(0, 3).map((n) => {
      const data = n.any.find((c) => c.id === 'color-contrast')?.data as
        { fgColor?: string; bgColor?: string; contrastRatio?: number; expectedContrastRatio?: string } | undefined;
      const colours = data?.fgColor ? ` ${data.fgColor} on ${data.bgColor} = ${data.contrastRatio} (needs ${data.expectedContrastRatio})` : '';
      return `${n.target.join(' ')}${colours}`;
    });
    return `${v.id} [${v.impact}] ×${v.nodes.length}: ${nodes.join(' | ')}`;
  });
  await info.attach(`axe ${name}`, { body: JSON.stringify(bad, null, 2), contentType: 'application/json' });
  expect.soft(lines, `axe: ${name}`).toEqual([]);
}

/** Visits a table of pages in order; each step brings the page to where it is checked. */
async function auditAll(page: Page, info: TestInfo, steps: [string, () => Promise<unknown>][]) {
  for (const [name, reach] of steps) {
    await test.step(name, async () => {
      await reach();
      await audit(page, info, `${name} (${info.project.name}, ${scheme(info)})`);
    });
  }
}

const scheme = (info: TestInfo) => (info.title.includes('dark') ? 'dark' : 'light');
const visible = (page: Page, testid: string) => expect(page.getByTestId(testid).first()).toBeVisible();

/** One account with something on every tab of the library, and on the app data page. */
async function seed(page: Page, account: string, info: TestInfo) {
  const phone = await Phone.signIn(page.request, account, 1, 'Pixel');
  await phone.photos(3, MARCH_2021);
  const song = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hako-a11y-')), 'song.mp3');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-metadata', 'title=海の歌', song]);
  await phone.upload('song.mp3', fs.readFileSync(song), MARCH_2021);
  await phone.upload('メモ.txt', Buffer.from('こんにちは\n'), MARCH_2021);
  await phone.backup('contacts', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:山田 太郎\r\nN:山田;太郎;;;\r\nTEL:090-1111-2222\r\nEND:VCARD\r\n');
  await phone.backup('calendar', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hako//e2e//JA\r\nBEGIN:VEVENT\r\nUID:1@e2e\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240814T100000\r\nDTEND:20240814T110000\r\nSUMMARY:歯医者\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
  await phone.backup('call_history', JSON.stringify([
    { number: '090-1111-2222', name: '山田 太郎', direction: 'incoming', time: '2024-08-15T09:30:00+09:00', duration_secs: 125 },
    { number: '0120-000-000', direction: 'missed', time: '2024-08-15T12:00:00+09:00', duration_secs: 0 },
  ]));
  const app = `jp.e2e.a11y${Date.now()}${info.project.name}${info.workerIndex}.memo`;
  catalogApp(app, 'メモ帳', 'Memo pad');
  await phone.saveAppData(app, Buffer.alloc(1500, 1));
  await phone.picturesReady('2021-03', 3);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(colorScheme, () => {
    test.beforeEach(async ({ page }) => page.emulateMedia({ colorScheme }));

    test(`signed out: sign-in, sign-up steps, password reset (${colorScheme})`, async ({ page, email, account, readCode }, info) => {
      const newcomer = `new-${email}`; // `account` holds `email` already
      await auditAll(page, info, [
        ['sign-in', async () => { await page.goto('/signin'); await visible(page, 'signin-submit'); }],
        ['sign-in, wrong password', async () => {
          await page.getByTestId('signin-email').fill(account);
          await page.getByTestId('signin-password').fill('not the password at all');
          await page.getByTestId('signin-submit').click();
          await visible(page, 'signin-error');
        }],
        ['sign-up: address', async () => { await page.goto('/signup'); await visible(page, 'signup-email'); }],
        ['sign-up: password', async () => {
          await page.getByTestId('signup-email').fill(newcomer);
          await page.getByTestId('signup-next').click();
          await visible(page, 'signup-password');
        }],
        ['sign-up: code', async () => {
          await page.getByTestId('signup-password').fill(PASSWORD);
          await page.getByTestId('signup-submit').click();
          await visible(page, 'code-input');
        }],
        ['sign-up: done', async () => {
          await page.getByTestId('code-input').fill(await readCode(newcomer));
          await page.getByTestId('code-submit').click();
          await visible(page, 'signup-done');
        }],
        ['password reset: address', async () => {
          await page.context().clearCookies();
          await page.goto('/password-reset');
          await visible(page, 'reset-email');
        }],
        ['password reset: code', async () => {
          await page.getByTestId('reset-email').fill(account);
          await page.getByTestId('reset-send').click();
          await visible(page, 'reset-code');
        }],
      ]);
    });

    test(`signed in: library tabs, photo view, phones, account, app data, guide (${colorScheme})`, async ({ page, account }, info) => {
      test.slow(); // pictures come from background jobs
      await seed(page, account, info);
      await signIn(page, account);
      const tab = (name: string, ready: string) => async () => {
        await page.getByTestId(`tab-${name}`).click();
        await visible(page, ready);
      };
      await auditAll(page, info, [
        ['library: photos', async () => { await page.reload(); await expect(page.locator('[data-testid="timeline-item"] img')).toHaveCount(3); }],
        ['library: account menu', async () => {
          await page.getByTestId('account-menu-button').click();
          await visible(page, 'account-menu');
        }],
        ['photo view', async () => {
          await page.keyboard.press('Escape');
          await page.getByTestId('open-item').first().click();
          await visible(page, 'viewer-image');
        }],
        ['photo view: info', async () => {
          await page.getByTestId('photo-viewer-info').click();
          await visible(page, 'info-name');
        }],
        ['library: music', async () => { await page.keyboard.press('Escape'); await tab('music', 'music-title')(); }],
        ['library: documents', tab('documents', 'document')],
        ['library: contacts', tab('contacts', 'contact-name')],
        ['library: calendar', tab('calendar', 'event-summary')],
        ['library: calls', tab('calls', 'call')],
        ['phones', async () => { await page.goto('/phones'); await visible(page, 'room-card'); }],
        ['phones: reset dialog', async () => {
          await page.getByTestId('reset-room').first().click();
          await visible(page, 'confirm-reset');
        }],
        ['account', async () => { await page.goto('/account'); await visible(page, 'account-member-type'); }],
        ['app data', async () => { await page.goto('/app-data'); await visible(page, 'app-data-page'); await page.waitForLoadState('networkidle'); }],
        ['guide', async () => { await page.goto('/guide'); await visible(page, 'faq-item'); }],
      ]);
    });

    test(`corporate console (${colorScheme})`, async ({ page }, info) => {
      test.skip(!!process.env.HAKO_DATABASE_URL, 'the corporate servers run in the SQLite pass only');
      // A company of its own on the console's day server, made as corp.spec.ts makes them.
      const server = CORP_SERVERS.day;
      const base = `http://127.0.0.1:${server.port}`;
      const op = (args: string[], env: Record<string, string> = {}) => execFileSync(
        path.resolve(__dirname, '..', process.env.HAKO_BIN ?? '../target/debug/hako'), args,
        { env: { ...process.env, HAKO_DATA: server.data, HAKO_CONFIG: server.config, RUST_LOG: 'warn', ...env } },
      ).toString().trim();
      const slug = `a11y${Date.now().toString(36)}${info.project.name}${colorScheme}`;
      const admin = `corp-${slug}@example.jp`;
      op(['user', 'add', admin], { HAKO_PASSWORD: PASSWORD });
      const id = op(['corp', 'create', '--name', `株式会社${slug}`, '--admin-email', admin, '--admin-name', '管理 太郎']).split('\n').pop()!;
      const prefix = String(1000 + (Date.now() + info.workerIndex * 7 + (colorScheme === 'dark' ? 3 : 0)) % 9000);
      const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hako-a11y-')), 'lines.csv');
      fs.writeFileSync(csv, ['number,name,reading,group,department,device_kind,contract_date,email,status',
        ...[1, 2, 3].map((n) => `090-${prefix}-000${n},社員 ${n},シャイン ${n},営業,営業部,smartphone,2018-04-01,${slug}-${n}@example.jp,in_service`),
      ].join('\n'));
      op(['corp', 'lines', 'import', id, csv]);
      await page.goto(`${base}/signin`);
      await page.getByTestId('signin-email').fill(admin);
      await page.getByTestId('signin-password').fill(PASSWORD);
      await page.getByTestId('signin-submit').click();
      await visible(page, 'library-page');
      const corp = (route: string) => async () => {
        await page.goto(`${base}/corp${route}`);
        await visible(page, 'corp-page');
        await page.waitForLoadState('networkidle');
      };
      await auditAll(page, info, ['', '/permissions', '/history', '/app-download', '/admins', '/lines/import', '/password-notice']
        .map((route) => [`corp${route || ' (top)'}`, corp(route)] as [string, () => Promise<unknown>]));
    });
  });
}
