// The corporate console (SPEC C1–C10), end to end: the operator makes a company and loads its
// lines from CSV with the `hako` binary; its admin chooses lines and a group, sets the two
// permissions, confirms and gets a reception number; the history shows 処理中, then 正常終了;
// each of the seed's five refusals appears in its situation with its words; a line's phone is
// refused before the change and allowed after. The app download request (C7) goes from the
// change's 完了 with the allowed lines chosen, through a real SMTP server that refuses one
// line, and the failed line is mailed again from the history (C9). The lines file is imported
// from the console (Shift_JIS, previewed first; bad rows listed), the number list downloaded
// as CSV. Japanese and English, phone and PC (projects).
//
// It runs against servers of its own (playwright.config.ts, CORP_SERVERS): one whose clock
// starts at 10:00 Japan time with 400 ms per line and mails through scripts/smtp.py (SMTP), one
// at 23:30. Each test has its own company.
import { Browser, Page, TestInfo, APIRequestContext } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, expect, PASSWORD, jpeg } from './fixtures';
import { CORP_SERVERS, SMTP } from '../playwright.config';

type Server = (typeof CORP_SERVERS)['day'];
const HAKO_BIN = path.resolve(__dirname, '..', process.env.HAKO_BIN ?? '../target/debug/hako');
const url = (server: Server) => `http://127.0.0.1:${server.port}`;

/** An operator command of `hako` on that server's data folder and config. */
function operator(server: Server, args: string[], env: Record<string, string> = {}): string {
  for (let attempt = 1; ; attempt++) {
    try {
      return execFileSync(HAKO_BIN, args, {
        env: { ...process.env, HAKO_DATA: server.data, HAKO_CONFIG: server.config, RUST_LOG: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString().trim();
    } catch (error) {
      // Seen once: a command opening the database while the busy server and another test's
      // command write to it failed "applying database migrations". Said, then tried again.
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
      if (attempt >= 3 || !/migrations|locked|busy/i.test(stderr)) throw error;
      console.warn(`hako ${args[0]} failed (attempt ${attempt}), again: ${stderr.split('\n').slice(0, 3).join(' | ')}`);
    }
  }
}

type Line = {
  number: string; name: string; group: string; status?: 'in_service' | 'cancelled'; email?: string;
  device?: 'smartphone' | 'iphone' | 'feature_phone' | 'windows';
};

/** A test's company: its main admin (a Hako account), its lines from the operator's CSV. */
type Company = { admin: string; name: string; lines: Line[]; prefix: string; slug: string };

function tagOf(info: TestInfo) {
  const seed = `${info.title}|${info.project.name}|${Date.now()}|${info.workerIndex}`;
  const n = parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 8), 16);
  return { prefix: String(1000 + (n % 9000)), slug: n.toString(36) };
}

/** 090-PPPP-NNNN for the company's n-th line (from 1). */
const numberOf = (prefix: string, n: number) => `090-${prefix}-${String(n).padStart(4, '0')}`;

function company(server: Server, info: TestInfo, build: (number: (n: number) => string) => Line[]): Company {
  const { prefix, slug } = tagOf(info);
  const admin = `corp-${slug}-${info.project.name}@example.jp`;
  const name = `株式会社テスト${slug}`;
  operator(server, ['user', 'add', admin], { HAKO_PASSWORD: PASSWORD });
  // The last line: a shifted clock is announced in the log before it.
  const id = operator(server, ['corp', 'create', '--name', name, '--admin-email', admin, '--admin-name', '管理 太郎']).split('\n').pop()!;
  const lines = build((n) => numberOf(prefix, n));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hako-corp-')), 'lines.csv');
  fs.writeFileSync(file, linesCsv(lines, slug));
  const imported = operator(server, ['corp', 'lines', 'import', id, file]);
  expect(imported).toContain(`imported ${lines.length} lines`);
  return { admin, name, lines, prefix, slug };
}

/** The operator's lines file: the n-th line reads シャイン n and mails `<slug>-n@example.jp`. */
function linesCsv(lines: Line[], slug: string): string {
  return ['number,name,reading,group,department,device_kind,contract_date,email,status',
    ...lines.map((l, i) => [l.number, l.name, `シャイン ${i + 1}`, l.group, '営業部', l.device ?? 'smartphone', '2018-04-01',
      l.email ?? `${slug}-${i + 1}@example.jp`, l.status ?? 'in_service'].join(','))].join('\n');
}

/** The company's n-th line's address (from 1), as `linesCsv` writes it. */
const addressOf = (corp: Company, n: number) => corp.lines[n - 1].email ?? `${corp.slug}-${n}@example.jp`;

/** The mails to `to` that server sent (its SMTP server's folder, or its outbox), newest first. */
function mailsTo(server: Server, to: string): string[] {
  if (!fs.existsSync(server.mail)) return [];
  return fs.readdirSync(server.mail).filter((f) => f.endsWith('.eml')).map((f) => path.join(server.mail, f))
    .map((file) => ({ text: fs.readFileSync(file, 'utf8'), mtime: fs.statSync(file).mtimeMs }))
    .filter((m) => m.text.includes(`To: ${to}\r\n`))
    .sort((a, b) => b.mtime - a.mtime).map((m) => m.text);
}

/** The 8-digit sign-in code of the newest password notice to `to`. */
async function lineCode(server: Server, to: string): Promise<string> {
  for (;;) {
    const code = mailsTo(server, to).map((text) => text.match(/サインインコード：(\d{8})/)).find(Boolean);
    if (code) return code[1];
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Makes the SMTP server refuse `address` at RCPT (`on`) or take it again. Every test shares
 * the one list, so each change is made under a lock (a directory: made or not, atomically).
 */
async function refuse(address: string, on: boolean) {
  const file = path.join(SMTP.dir, 'refuse');
  const lock = `${file}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    const kept = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && l !== address) : [];
    if (on) kept.push(address);
    fs.writeFileSync(`${file}.new`, kept.map((l) => `${l}\n`).join(''));
    fs.renameSync(`${file}.new`, file);
  } finally {
    fs.rmdirSync(lock);
  }
}

/** The text in Shift_JIS (cp932), as Excel saves a CSV: Node cannot encode it, Python can. */
function shiftJis(text: string): Buffer {
  return execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8").encode("cp932"))'],
    { input: Buffer.from(text, 'utf8') });
}

async function signIn(page: Page, server: Server, email: string) {
  await page.goto(`${url(server)}/signin`);
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(PASSWORD);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('library-page')).toBeVisible();
}

const lineRow = (page: Page, number: string) => page.locator(`[data-testid="corp-line-row"][data-number="${number}"]`);
const detailRow = (page: Page, number: string) => page.locator(`[data-testid="corp-detail-row"][data-number="${number}"]`);
const groupRow = (page: Page, name: string) => page.locator(`[data-testid="corp-group-row"][data-name="${name}"]`);

/** A line's phone (SPEC C8): signs in with its number and the code of its notice. */
async function linePhone(request: APIRequestContext, server: Server, number: string, code: string) {
  const login = await request.post(`${url(server)}/api/v1/devices/line-login`, {
    data: { number, code, name: '社用スマホ', os: 'android', model: 'Pixel 9' },
  });
  expect(login.status()).toBe(201);
  const token = (await login.json()).device_token;
  const headers = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
  const registered = await request.post(`${url(server)}/api/v1/device/register`, { headers, data: { room: 1 } });
  expect(registered.ok()).toBeTruthy();
  /** Starts a photo's upload (tus): the answer says whether the line may back up. */
  return async () => {
    const bytes = jpeg(Date.now() % 100000);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    return request.post(`${url(server)}/api/v1/uploads`, {
      headers: {
        ...headers, 'Upload-Length': String(bytes.length),
        'Upload-Metadata': `filename ${b64('IMG_0001.jpg')},sha256 ${b64(sha)},created_at ${b64('1700000000')}`,
      },
    });
  };
}

const WORDS = {
  'ja-JP': {
    menu: '法人管理', done: '受付が完了しました。', history: '設定状況は履歴から確認できます。',
    processing: '処理中', succeeded: '正常終了', count: (n: number, t: number) => `対象回線選択: ${n}件/${t}件`,
    target: (n: number) => `対象回線件数: ${n}件`, allowed: '利用可', blocked: '選択不可',
    none: 'ユーザが1件も選択されていません。', over: '選択できるユーザは200件までです。',
    cancelled: 'ご利用いただけない契約の対象者が選択されています。',
    hours: 'ただいまの時間帯はあんしんバックアップを利用できません。',
    busy: 'ただいま受付できません。しばらく経ってから再度お試しください。',
    sendQuestion: 'サインインコードの通知メールを送信します。よろしいですか？', sendCount: (n: number) => `対象回線: ${n}件`,
    appQuestion: 'アプリダウンロード依頼メールを送信します。よろしいですか？', failed: '異常終了', sent: '正常終了（送信済み）',
    skipped: '対象外', refused: 'メールサーバが受け取りを拒否しました', noApp: '4Gケータイのためアプリは不要です',
    featurePhone: '4Gケータイ', never: '未送信', appMenu: 'アプリダウンロード依頼', resent: '再送',
    noticeList: 'サインインコード通知メールの履歴',
  },
  'en-US': {
    menu: 'Company admin', done: 'Your request was accepted.', history: 'The history shows how the change is going.',
    processing: 'Processing', succeeded: 'Completed', count: (n: number, t: number) => `Lines chosen: ${n} of ${t}`,
    target: (n: number) => `Lines: ${n}`, allowed: 'Allowed', blocked: 'Not selectable',
    none: 'No lines are selected.', over: 'Up to 200 lines can be selected.',
    cancelled: 'A line whose contract cannot use the service is selected.',
    hours: 'Changes are accepted from 9:00 to 23:00 Japan time only.',
    busy: "Another admin's change is still being applied. Please try again later.",
    sendQuestion: 'Send the sign-in code notice by mail?', sendCount: (n: number) => `Lines: ${n}`,
    appQuestion: 'Send the app download request by mail?', failed: 'Failed', sent: 'Completed (sent)',
    skipped: 'Skipped', refused: 'The mail server refused it', noApp: 'A 4G feature phone needs no app',
    featurePhone: '4G feature phone', never: 'Never', appMenu: 'App download request', resent: 'Resend',
    noticeList: 'Sign-in code notice mails',
  },
} as const;

for (const locale of ['ja-JP', 'en-US'] as const) {
  const w = WORDS[locale];
  test.describe(locale, () => {
    test.use({ locale, timezoneId: 'Asia/Tokyo' });

    test('the whole flow: lines and a group, confirm, reception number, 処理中 then 正常終了; the phone obeys', async ({ page, request }, info) => {
      test.setTimeout(120_000);
      const server = CORP_SERVERS.day;
      const corp = company(server, info, (n) => [
        ...Array.from({ length: 25 }, (_, i) => ({ number: n(i + 1), name: `社員 ${i + 1}`, group: '営業1課' })),
        ...Array.from({ length: 5 }, (_, i) => ({ number: n(31 + i), name: `営業二 ${i + 1}`, group: '営業2課' })),
        { number: n(41), name: '総務 在籍', group: '総務課' },
        { number: n(42), name: '総務 解約', group: '総務課', status: 'cancelled' },
      ]);
      const [first, second] = corp.lines;
      const total = corp.lines.length;
      await signIn(page, server, corp.admin);

      // The account menu has the console for an admin.
      await page.getByTestId('account-menu-button').click();
      await expect(page.getByTestId('corp-link')).toHaveText(w.menu);
      await page.getByTestId('corp-link').click();
      await expect(page.getByTestId('corp-company-name')).toHaveText(corp.name);
      await expect(page.getByTestId('corp-admin-name')).toHaveText('管理 太郎');

      // A sign-in code notice for the first line, so its phone can sign in (no admin sees the code).
      await page.getByTestId('corp-menu-notice').click();
      await expect(page.getByTestId('corp-notice-private')).toBeVisible();
      await lineRow(page, first.number).getByTestId('corp-line-check').check();
      await page.getByTestId('corp-mail-send').click();
      await expect(page.getByTestId('corp-mail-confirm')).toContainText(w.sendQuestion);
      await expect(page.getByTestId('corp-mail-confirm-count')).toHaveText(w.sendCount(1));
      await page.getByTestId('corp-mail-ok').click();
      await expect(page.getByTestId('corp-done-message')).toHaveText(w.done);
      await expect(page.getByTestId('corp-reception-number')).toHaveText(/^20261208\d{8}$/);
      const upload = await linePhone(request, server, first.number, await lineCode(server, `${corp.slug}-1@example.jp`));

      // Contracted 2018: backup off, so the phone is refused.
      const refused = await upload();
      expect(refused.status()).toBe(403);
      expect((await refused.json()).code).toBe('restricted_by_admin');

      // STEP 1 by number: two lines on page 1, one on page 2; the choice survives paging and searching.
      await page.getByTestId('corp-nav-permissions').click();
      await page.getByTestId('corp-per-page').selectOption('20');
      await expect(page.getByTestId('corp-line-row')).toHaveCount(20);
      await lineRow(page, first.number).getByTestId('corp-line-check').check();
      await lineRow(page, second.number).getByTestId('corp-line-check').check();
      await expect(lineRow(page, first.number).getByTestId('corp-line-backup')).toContainText(locale === 'ja-JP' ? '利用不可' : 'Not allowed');
      await page.getByTestId('corp-lines-pager-next').click();
      const third = corp.lines[21];
      await lineRow(page, third.number).getByTestId('corp-line-check').check();
      await expect(page.getByTestId('corp-selected-count')).toHaveText(w.count(3, total));
      await page.getByTestId('corp-lines-pager-prev').click();
      await expect(lineRow(page, first.number).getByTestId('corp-line-check')).toBeChecked();
      await page.getByTestId('corp-search').fill(second.number);
      await page.getByTestId('corp-search-submit').click();
      await expect(page.getByTestId('corp-line-row')).toHaveCount(1);
      await expect(lineRow(page, second.number).getByTestId('corp-line-check')).toBeChecked();
      await page.getByTestId('corp-search-clear').click();
      // A cancelled line is marked and cannot be chosen.
      await page.getByTestId('corp-lines-pager-next').click();
      await expect(lineRow(page, corp.lines[31].number).getByTestId('corp-line-status')).toContainText(locale === 'ja-JP' ? '解約済' : 'Cancelled');

      // …and a group; the one holding the cancelled line says why it cannot be chosen.
      await page.getByTestId('corp-mode-groups').click();
      await expect(groupRow(page, '総務課').getByTestId('corp-group-status')).toContainText(w.blocked);
      await expect(groupRow(page, '営業2課').getByTestId('corp-group-members')).toContainText('5');
      await groupRow(page, '営業2課').getByTestId('corp-group-check').check();
      await expect(page.getByTestId('corp-selected-count')).toHaveText(w.count(8, total));
      await page.getByTestId('corp-want-backup').check();
      await page.getByTestId('corp-want-migration').check();
      await page.getByTestId('corp-to-confirm').click();

      // 確認: every line, the values; 戻る keeps the choice.
      await expect(page.getByTestId('corp-target-count')).toHaveText(w.target(8));
      await expect(page.getByTestId('corp-confirm-row')).toHaveCount(8);
      await expect(page.getByTestId('corp-confirm-backup')).toContainText(w.allowed);
      await page.getByTestId('corp-back').click();
      await expect(page.getByTestId('corp-selected-count')).toHaveText(w.count(8, total));
      await expect(page.getByTestId('corp-want-backup')).toBeChecked();
      await page.getByTestId('corp-to-confirm').click();
      await page.getByTestId('corp-decide').click();

      // 完了: the reception number, the way to its history.
      await expect(page.getByTestId('corp-done-message')).toHaveText(w.done);
      await expect(page.getByTestId('corp-done')).toContainText(w.history);
      const reception = (await page.getByTestId('corp-reception-number').textContent())!;
      expect(reception).toMatch(/^20261208\d{8}$/);
      await page.getByTestId('corp-done-history').click();
      await expect(page.getByTestId('corp-detail-reception')).toHaveText(reception);
      // 400 ms a line: 処理中 first, then 正常終了 without a reload.
      await expect(page.getByTestId('corp-detail-state')).toHaveText(w.processing);
      await expect(page.getByTestId('corp-detail-state')).toHaveText(w.succeeded, { timeout: 20_000 });
      await expect(page.getByTestId('corp-detail-row')).toHaveCount(8);
      await page.getByTestId('corp-back-to-history').click();
      const row = page.locator(`[data-testid="corp-history-row"][data-reception="${reception}"]`);
      await expect(row.getByTestId('corp-history-status')).toHaveText(w.succeeded);

      // The phone may back up now.
      const allowed = await upload();
      expect(allowed.status()).toBe(201);
    });

    test('app download request: from the change’s 完了 with the allowed lines, through SMTP; a refused line resent', async ({ page }, info) => {
      test.setTimeout(120_000);
      const server = CORP_SERVERS.day;
      const corp = company(server, info, (n) => [
        { number: n(1), name: '拒否 一郎', group: '営業1課' },
        { number: n(2), name: '送信 二郎', group: '営業1課' },
        { number: n(3), name: '携帯 三郎', group: '営業1課', device: 'feature_phone' },
        { number: n(4), name: '別件 四郎', group: '営業2課' },
      ]);
      const [refusedLine, sentLine, featurePhone, other] = corp.lines;
      const chosen = [refusedLine, sentLine, featurePhone];
      // The mail server will refuse the first line's address, as for a mailbox that does not exist.
      await refuse(addressOf(corp, 1), true);
      await signIn(page, server, corp.admin);

      // A permission change that allows backup for three lines; its 完了 leads on.
      await page.goto(`${url(server)}/corp/permissions`);
      for (const line of chosen) await lineRow(page, line.number).getByTestId('corp-line-check').check();
      await page.getByTestId('corp-want-backup').check();
      await page.getByTestId('corp-to-confirm').click();
      await page.getByTestId('corp-decide').click();
      await expect(page.getByTestId('corp-done-message')).toHaveText(w.done);
      await page.getByTestId('corp-done-app-download').click();

      // The app download request opens with exactly those lines chosen; the 4G phone says what it is.
      await expect(page.getByTestId('corp-app-download')).toBeVisible();
      await expect(page.getByTestId('corp-app-feature-phone')).toBeVisible();
      await expect(page.getByTestId('corp-selected-count')).toHaveText(w.count(3, 4));
      for (const line of chosen) await expect(lineRow(page, line.number).getByTestId('corp-line-check')).toBeChecked();
      await expect(lineRow(page, other.number).getByTestId('corp-line-check')).not.toBeChecked();
      await expect(lineRow(page, featurePhone.number).getByTestId('corp-line-device')).toHaveText(w.featurePhone);
      await expect(lineRow(page, sentLine.number).getByTestId('corp-line-requested')).toHaveText(w.never);
      await page.getByTestId('corp-mail-send').click();
      await expect(page.getByTestId('corp-mail-confirm')).toContainText(w.appQuestion);
      await expect(page.getByTestId('corp-mail-confirm-count')).toHaveText(w.sendCount(3));
      await page.getByTestId('corp-mail-ok').click();
      await expect(page.getByTestId('corp-done-message')).toHaveText(w.done);
      const reception = (await page.getByTestId('corp-reception-number').textContent())!;
      expect(reception).toMatch(/^20261208\d{8}$/);
      await page.getByTestId('corp-done-history').click();

      // Each line's result, in words: refused by the SMTP server, sent, not needed.
      await expect(page.getByTestId('corp-detail-reception')).toHaveText(reception);
      await expect(page.getByTestId('corp-detail-state')).toHaveText(w.failed, { timeout: 20_000 });
      await expect(detailRow(page, refusedLine.number).getByTestId('corp-detail-status')).toContainText(w.failed);
      await expect(detailRow(page, refusedLine.number).getByTestId('corp-detail-reason')).toHaveText(w.refused);
      await expect(detailRow(page, sentLine.number).getByTestId('corp-detail-status')).toHaveText(w.sent);
      await expect(detailRow(page, featurePhone.number).getByTestId('corp-detail-status')).toContainText(w.skipped);
      await expect(detailRow(page, featurePhone.number).getByTestId('corp-detail-reason')).toHaveText(w.noApp);
      await expect(detailRow(page, featurePhone.number).getByTestId('corp-detail-check')).toBeDisabled();
      // The mail the SMTP server took has the smartphone's link; the 4G phone got none.
      const [mail] = mailsTo(server, addressOf(corp, 2));
      expect(mail).toContain('https://play.google.com/store/apps/details?id=jp.example.hako');
      expect(mail).toContain(sentLine.number);
      expect(mailsTo(server, addressOf(corp, 3))).toHaveLength(0);
      expect(mailsTo(server, addressOf(corp, 1))).toHaveLength(0);

      // メール再送 of the refused line, once its mailbox takes mail: a new reception number.
      await refuse(addressOf(corp, 1), false);
      await detailRow(page, refusedLine.number).getByTestId('corp-detail-check').check();
      await expect(page.getByTestId('corp-resend-count')).toHaveText(w.count(1, 3));
      await page.getByTestId('corp-resend').click();
      await expect(page.getByTestId('corp-mail-confirm')).toContainText(w.appQuestion);
      await expect(page.getByTestId('corp-mail-confirm-count')).toHaveText(w.sendCount(1));
      await page.getByTestId('corp-mail-ok').click();
      const resent = page.getByTestId('corp-resent');
      await expect(resent.getByTestId('corp-reception-number')).toHaveText(/^20261208\d{8}$/);
      const again = (await resent.getByTestId('corp-reception-number').textContent())!;
      expect(again).not.toBe(reception);
      await resent.getByTestId('corp-done-history').click();
      await expect(page.getByTestId('corp-detail-reception')).toHaveText(again);
      await expect(page.getByTestId('corp-detail-resend-of')).toHaveText(reception);
      await expect(page.getByTestId('corp-detail-state')).toHaveText(w.succeeded, { timeout: 20_000 });
      await expect(page.getByTestId('corp-detail-row')).toHaveCount(1);
      await expect(detailRow(page, refusedLine.number).getByTestId('corp-detail-status')).toHaveText(w.sent);
      expect(mailsTo(server, addressOf(corp, 1))).toHaveLength(1);

      // The history by menu: both requests, the resend marked; the CSV link carries the filter.
      await page.goto(`${url(server)}/corp/history`);
      await page.getByTestId('corp-filter-menu').selectOption('app_download');
      await page.getByTestId('corp-filter-apply').click();
      await expect(page.getByTestId('corp-history-row')).toHaveCount(2);
      await expect(page.locator(`[data-testid="corp-history-row"][data-reception="${again}"]`).getByTestId('corp-history-resent')).toHaveText(w.resent);
      await expect(page.locator(`[data-testid="corp-history-row"][data-reception="${reception}"]`).getByTestId('corp-history-menu')).toHaveText(w.appMenu);
      await expect(page.getByTestId('corp-history-csv')).toHaveAttribute('href', /history\.csv\?menu=app_download$/);
      // The sign-in code notices' own list (none in this company).
      await page.getByTestId('corp-history-notices').click();
      await expect(page.getByTestId('corp-history-title')).toHaveText(w.noticeList);
      await expect(page.getByTestId('corp-history-empty')).toBeVisible();

      // The number list knows when each line was last asked.
      await page.goto(`${url(server)}/corp/app-download`);
      await expect(lineRow(page, refusedLine.number).getByTestId('corp-line-requested')).toHaveText(/^2026-12-08 \d\d:\d\d$/);
      await page.getByTestId('corp-requested-from').fill('2026-12-08');
      await page.getByTestId('corp-search-submit').click();
      await expect(page.getByTestId('corp-line-row')).toHaveCount(2);
      await expect(lineRow(page, featurePhone.number)).toHaveCount(0);
    });

    test('the seed refusals while choosing: none, 201 across pages, a cancelled line, its group', async ({ page }, info) => {
      test.setTimeout(90_000);
      const server = CORP_SERVERS.day;
      const corp = company(server, info, (n) => [
        ...Array.from({ length: 201 }, (_, i) => ({ number: n(i + 1), name: `社員 ${i + 1}`, group: '大部屋' })),
        { number: n(301), name: '解約 済', group: '解約組', status: 'cancelled' },
        { number: n(302), name: '在籍 中', group: '解約組' },
      ]);
      await signIn(page, server, corp.admin);
      await page.goto(`${url(server)}/corp/permissions`);
      await page.getByTestId('corp-to-confirm').click();
      await expect(page.getByTestId('corp-selection-error')).toContainText(w.none);
      await expect(page.getByTestId('corp-steps')).toBeVisible();

      await page.getByTestId('corp-per-page').selectOption('100');
      for (let p = 1; p <= 3; p++) {
        if (p > 1) await page.getByTestId('corp-lines-pager-next').click();
        await expect(page.getByTestId('corp-lines-pager-page')).toContainText(String(p));
        await expect(page.getByTestId('corp-line-row').first()).toBeVisible();
        await page.getByTestId('corp-select-page').click();
      }
      // Page 3 holds the last of the 201, the cancelled line (skipped) and one more.
      await expect(page.getByTestId('corp-selected-count')).toHaveText(w.count(202, 203));
      await expect(page.getByTestId('corp-selection-error')).toContainText(w.over);
      await page.getByTestId('corp-to-confirm').click();
      await expect(page.getByTestId('corp-selection-error')).toContainText(w.over);
      await expect(page.getByTestId('corp-target-count')).toHaveCount(0);
      await page.getByTestId('corp-clear-page').click();
      await expect(page.getByTestId('corp-selected-count')).toHaveText(w.count(200, 203));
      await expect(page.getByTestId('corp-selection-error')).toHaveCount(0);

      // A cancelled line: trying to choose it says why; it stays unchosen.
      const cancelled = lineRow(page, numberOf(corp.prefix, 301)).getByTestId('corp-line-check');
      // (aria-disabled: Playwright would wait for it to be enabled; a person can still press it.)
      await cancelled.click({ force: true });
      await expect(page.getByTestId('corp-selection-error')).toContainText(w.cancelled);
      await expect(cancelled).not.toBeChecked();
      // Its group cannot be chosen either.
      await page.getByTestId('corp-mode-groups').click();
      await groupRow(page, '解約組').getByTestId('corp-group-check').click({ force: true });
      await expect(page.getByTestId('corp-selection-error')).toContainText(w.cancelled);
      await expect(groupRow(page, '解約組').getByTestId('corp-group-check')).not.toBeChecked();
    });
  });
}

test.describe('refusals at 決定', () => {
  test.use({ timezoneId: 'Asia/Tokyo' });

  test('at 23:30 Japan time a change is refused with the seed words; 戻る keeps the choice', async ({ page }, info) => {
    const server = CORP_SERVERS.late;
    const corp = company(server, info, (n) => [{ number: n(1), name: '社員 1', group: '営業1課' }]);
    await signIn(page, server, corp.admin);
    await page.goto(`${url(server)}/corp/permissions`);
    await lineRow(page, corp.lines[0].number).getByTestId('corp-line-check').check();
    await page.getByTestId('corp-to-confirm').click();
    await page.getByTestId('corp-decide').click();
    await expect(page.getByTestId('corp-confirm-error')).toContainText(WORDS['ja-JP'].hours);
    await page.getByTestId('corp-back').click();
    await expect(page.getByTestId('corp-selected-count')).toHaveText(WORDS['ja-JP'].count(1, 1));
  });

  test('a second admin is refused while the first one’s change runs; the main admin adds and removes them', async ({ page, browser }, info) => {
    test.setTimeout(90_000);
    const server = CORP_SERVERS.day;
    const corp = company(server, info, (n) =>
      Array.from({ length: 40 }, (_, i) => ({ number: n(i + 1), name: `社員 ${i + 1}`, group: '全員' })));
    const sub = `sub-${corp.admin}`;
    operator(server, ['user', 'add', sub], { HAKO_PASSWORD: PASSWORD });
    await signIn(page, server, corp.admin);

    // 管理者: an account that exists becomes a sub-admin at once.
    await page.goto(`${url(server)}/corp/admins`);
    await expect(page.getByTestId('corp-admin-row')).toHaveCount(1);
    await page.getByTestId('corp-new-admin-email').fill(sub);
    await page.getByTestId('corp-new-admin-name').fill('代理 次郎');
    await page.getByTestId('corp-admin-add').click();
    await expect(page.getByTestId('corp-admin-added')).toContainText('代理 次郎');
    await expect(page.getByTestId('corp-admin-row')).toHaveCount(2);

    // The main admin's change of 40 lines runs (16 s at 400 ms a line).
    await page.goto(`${url(server)}/corp/permissions`);
    await page.getByTestId('corp-mode-groups').click();
    await groupRow(page, '全員').getByTestId('corp-group-check').check();
    await page.getByTestId('corp-to-confirm').click();
    await page.getByTestId('corp-decide').click();
    await expect(page.getByTestId('corp-reception-number')).toBeVisible();

    // The sub-admin, in another browser, is refused at 決定 meanwhile.
    const other = await (browser as Browser).newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    const second = await other.newPage();
    await signIn(second, server, sub);
    await second.goto(`${url(server)}/corp/permissions`);
    await expect(second.getByTestId('corp-nav-admins')).toHaveCount(0);
    await lineRow(second, corp.lines[0].number).getByTestId('corp-line-check').check();
    await second.getByTestId('corp-to-confirm').click();
    await second.getByTestId('corp-decide').click();
    await expect(second.getByTestId('corp-confirm-error')).toContainText(WORDS['ja-JP'].busy);
    await other.close();

    // Removed after a confirmation: the list has the main admin only.
    await page.goto(`${url(server)}/corp/admins`);
    await page.locator(`[data-testid="corp-admin-row"][data-admin-id="${sub}"]`).getByTestId('corp-admin-remove').click();
    await expect(page.getByTestId('corp-admin-confirm')).toContainText('代理 次郎');
    await page.getByTestId('corp-admin-confirm-ok').click();
    await expect(page.getByTestId('corp-admin-row')).toHaveCount(1);
  });
});

test.describe('files', () => {
  test.use({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });

  test('回線の取り込み: a Shift_JIS file previewed, then imported; a file with bad rows shows every row', async ({ page }, info) => {
    const server = CORP_SERVERS.day;
    const corp = company(server, info, (n) => [
      { number: n(1), name: '社員 1', group: '営業1課' },
      { number: n(2), name: '社員 2', group: '営業1課' },
    ]);
    // One line renamed, one as it is, one new — in Shift_JIS with CRLF, as Excel saves it.
    const rows: Line[] = [{ ...corp.lines[0], name: '山田 花子' }, corp.lines[1], { number: numberOf(corp.prefix, 3), name: '新人 三郎', group: '総務課' }];
    const file = shiftJis(linesCsv(rows, corp.slug).replaceAll('\n', '\r\n'));
    expect(file.includes(Buffer.from('山田'))).toBe(false);
    await signIn(page, server, corp.admin);
    await page.goto(`${url(server)}/corp`);
    await page.getByTestId('corp-menu-import').click();
    await expect(page.getByTestId('corp-import-columns')).toContainText('device_kind');
    await page.getByTestId('corp-import-file').setInputFiles({ name: '回線.csv', mimeType: 'text/csv', buffer: file });

    // First what it would do; nothing is written yet.
    const preview = page.getByTestId('corp-import-preview');
    await expect(preview.getByTestId('corp-import-added')).toContainText('1件');
    await expect(preview.getByTestId('corp-import-updated')).toContainText('1件');
    await expect(preview.getByTestId('corp-import-unchanged')).toContainText('1件');
    const change = (number: string) => page.locator(`[data-testid="corp-import-change"][data-number="${number}"]`);
    await expect(page.getByTestId('corp-import-change')).toHaveCount(2);
    await expect(change(rows[2].number)).toHaveAttribute('data-change', 'added');
    await expect(change(rows[2].number)).toContainText('新人 三郎');
    await expect(change(rows[0].number)).toHaveAttribute('data-change', 'updated');
    await expect(change(rows[0].number).getByTestId('corp-import-fields')).toHaveText('氏名');
    const before = await (await page.request.get(`${url(server)}/api/v1/corp/lines`)).json();
    expect(before.total).toBe(2);

    // 取り込む: done, and the number list has the new and the renamed line.
    await page.getByTestId('corp-import-apply').click();
    await expect(page.getByTestId('corp-import-done-message')).toHaveText('取り込みました。');
    await expect(page.getByTestId('corp-import-done').getByTestId('corp-import-added')).toContainText('1件');
    await page.getByTestId('corp-import-to-lines').click();
    await expect(lineRow(page, rows[2].number).getByTestId('corp-line-name')).toHaveText('新人 三郎');
    await expect(lineRow(page, rows[0].number).getByTestId('corp-line-name')).toHaveText('山田 花子');

    // A file with four bad rows (CRLF, as Excel writes): each one with its row as an editor
    // numbers it, its value and problem; nothing imported.
    await page.goto(`${url(server)}/corp/lines/import`);
    const bad = ['number,name,reading,group,department,device_kind,contract_date,email,status',
      '090-12,番号 違い,バンゴウ,,,smartphone,2018-04-01,,in_service',
      `${numberOf(corp.prefix, 5)},,ナマエナシ,,,smartphone,2018-04-01,,in_service`,
      `${numberOf(corp.prefix, 6)},漢字 読み,漢字,,,smartphone,2018-04-01,,in_service`,
      `${numberOf(corp.prefix, 7)},端末 違い,タンマツ,,,pager,2018-04-01,,in_service`].join('\r\n');
    await page.getByTestId('corp-import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await expect(page.getByTestId('corp-import-error')).toContainText('CSV に誤りがあるため、取り込みませんでした。');
    await expect(page.getByTestId('corp-import-bad-row')).toHaveCount(4);
    const badRow = (line: number) => page.locator(`[data-testid="corp-import-bad-row"][data-line="${line}"]`);
    for (const [line, value, problem] of [
      [2, '090-12', '電話番号の形式が正しくありません'],
      [3, '（空欄）', '氏名が空です'],
      [4, '漢字', '氏名カナはかなで入力してください'],
      [5, 'pager', '端末種別は smartphone / iphone / feature_phone / windows のいずれかです'],
    ] as const) {
      await expect(badRow(line).getByTestId('corp-bad-line')).toHaveText(String(line));
      await expect(badRow(line).getByTestId('corp-bad-value')).toHaveText(value);
      await expect(badRow(line).getByTestId('corp-bad-problem')).toHaveText(problem);
    }
    await expect(page.getByTestId('corp-import-preview')).toHaveCount(0);
    const after = await (await page.request.get(`${url(server)}/api/v1/corp/lines`)).json();
    expect(after.total).toBe(3);
  });

  test('CSV: the number list downloads as found, with a BOM and the Japanese names; an operation too', async ({ page }, info) => {
    const server = CORP_SERVERS.day;
    const corp = company(server, info, (n) => [
      { number: n(1), name: '山田 太郎', group: '営業1課' },
      { number: n(2), name: '鈴木 花子', group: '営業1課' },
      { number: n(3), name: '山田 次郎', group: '総務課' },
    ]);
    await signIn(page, server, corp.admin);
    await page.goto(`${url(server)}/corp/permissions`);
    await expect(page.getByTestId('corp-line-row')).toHaveCount(3);
    const csv = async (testid: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
      return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
    };
    const all = await csv('corp-lines-csv');
    expect(all.name).toBe('lines.csv');
    expect([...all.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = all.bytes.toString('utf8');
    expect(text).toContain('電話番号,氏名');
    for (const line of corp.lines) expect(text).toContain(`${line.number},${line.name}`);

    // As the search finds: 山田 only.
    await page.getByTestId('corp-search').fill('山田');
    await page.getByTestId('corp-search-submit').click();
    await expect(page.getByTestId('corp-line-row')).toHaveCount(2);
    const found = (await csv('corp-lines-csv')).bytes.toString('utf8');
    expect(found).toContain('山田 太郎');
    expect(found).toContain('山田 次郎');
    expect(found).not.toContain('鈴木 花子');

    // An operation's lines: a notice to one line, its detail's CSV.
    await page.goto(`${url(server)}/corp/password-notice`);
    await lineRow(page, corp.lines[1].number).getByTestId('corp-line-check').check();
    await page.getByTestId('corp-mail-send').click();
    await page.getByTestId('corp-mail-ok').click();
    const reception = (await page.getByTestId('corp-reception-number').textContent())!;
    await page.getByTestId('corp-done-history').click();
    await expect(page.getByTestId('corp-detail-state')).toHaveText('正常終了', { timeout: 20_000 });
    await expect(detailRow(page, corp.lines[1].number).getByTestId('corp-detail-status')).toHaveText('正常終了（送信済み）');
    const detail = await csv('corp-detail-csv');
    expect(detail.name).toBe(`${reception}.csv`);
    expect([...detail.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(detail.bytes.toString('utf8')).toContain('鈴木 花子');
  });
});
