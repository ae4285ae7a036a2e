// Fixtures: unique addresses, accounts made by the operator command, and codes read from
// the server's outbox (every mail is an .eml file there when no SMTP server is set).
import { test as base, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../playwright.config';

export const PASSWORD = 'correct horse battery';
const HAKO_BIN = path.resolve(__dirname, '..', process.env.HAKO_BIN ?? '../target/debug/hako');

/** The newest mail to `to` that `seen` does not hold yet, waiting until it is written. */
export async function nextMail(to: string, seen: Set<string>): Promise<string> {
  const outbox = path.join(DATA_DIR, 'outbox');
  for (let i = 0; i < 200; i++) {
    const mails = fs.existsSync(outbox)
      ? fs.readdirSync(outbox)
          .map((name) => path.join(outbox, name))
          .filter((file) => !seen.has(file))
          .map((file) => ({ file, text: fs.readFileSync(file, 'utf8'), mtime: fs.statSync(file).mtimeMs }))
          .filter((m) => m.text.includes(`To: ${to}\r\n`) && m.text.includes('Hako smartphone backup'))
          .sort((a, b) => b.mtime - a.mtime)
      : [];
    if (mails.length > 0) {
      seen.add(mails[0].file);
      return mails[0].text;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no new mail to ${to}`);
}

export function codeIn(mail: string): string {
  const match = mail.match(/確認コード：(\d{6})/);
  if (!match) throw new Error(`no code in mail:\n${mail}`);
  return match[1];
}

type Fixtures = {
  /** A fresh address for this test. */
  email: string;
  /** Reads the next code mailed to an address. */
  readCode: (to: string) => Promise<string>;
  /** Creates a verified account with `hako user add` and returns its address. */
  account: string;
};

export const test = base.extend<Fixtures>({
  email: async ({}, use, info) => {
    const slug = info.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 30);
    await use(`${slug}-${info.project.name}-${Date.now()}@example.jp`);
  },
  readCode: async ({}, use) => {
    const seen = new Set<string>();
    await use(async (to) => codeIn(await nextMail(to, seen)));
  },
  account: async ({ email }, use) => {
    execFileSync(HAKO_BIN, ['user', 'add', email], {
      env: { ...process.env, HAKO_DATA: DATA_DIR, HAKO_PASSWORD: PASSWORD, RUST_LOG: 'warn' },
    });
    await use(email);
  },
});

export { expect };

/** Signs in through the form and waits for the library. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/signin');
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('library-page')).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByTestId('account-menu-button').click();
  await page.getByTestId('signout-button').click();
  await expect(page).toHaveURL(/\/signin$/);
}
