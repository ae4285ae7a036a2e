// Fixtures: unique addresses, accounts made by the operator command, and codes read from
// the server's outbox (every mail is an .eml file there when no SMTP server is set).
import { test as base, expect, APIRequestContext, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../playwright.config';

export const PASSWORD = 'correct horse battery';
const HAKO_BIN = path.resolve(__dirname, '..', process.env.HAKO_BIN ?? '../target/debug/hako');

/**
 * The newest mail to `to` that `seen` does not hold yet, waiting until it is written (mails go
 * out in the background: however long a busy machine takes; the test's timeout bounds it).
 */
export async function nextMail(to: string, seen: Set<string>): Promise<string> {
  const outbox = path.join(DATA_DIR, 'outbox');
  for (;;) {
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
}

export function codeIn(mail: string): string {
  const match = mail.match(/確認コード：(\d{6})/);
  if (!match) throw new Error(`no code in mail:\n${mail}`);
  return match[1];
}

/**
 * Runs an operator command of `hako` on the e2e server's data folder (and its database: the
 * PostgreSQL pass of scripts/test.sh sets HAKO_DATABASE_URL and HAKO_CONFIG); returns what it printed.
 */
function operator(args: string[], env: Record<string, string> = {}): string {
  const out = execFileSync(HAKO_BIN, args, { env: { ...process.env, HAKO_DATA: DATA_DIR, RUST_LOG: 'warn', ...env } });
  return out.toString().trim();
}

/** A new license key from the operator command `hako license issue`, as printed (4×4 digits). */
export function issueLicenseKey(): string {
  return operator(['license', 'issue', '--count', '1']);
}

/** Puts an app on the operator's catalog of app data backup (`hako apps add`, SPEC P6). */
export function catalogApp(appId: string, nameJa: string, nameEn: string) {
  operator(['apps', 'add', appId, '--name-ja', nameJa, '--name-en', nameEn]);
}

/** Takes an app off the catalog (`hako apps remove`): the data kept of it stays. */
export function retireApp(appId: string) {
  operator(['apps', 'remove', appId]);
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
    operator(['user', 'add', email], { HAKO_PASSWORD: PASSWORD });
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

const TINY_JPEG = Buffer.from('/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcICAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xABMAAEBAAAAAAAAAAAAAAAAAAAABQEBAQAAAAAAAAAAAAAAAAAAAAYQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/wAARCAAYACADASIAAhEAAxEA/9oADAMBAAIRAxEAPwCCAu06AAAAAA//2Q==', 'base64');

/** A distinct small JPEG: a comment segment makes each one's bytes (and hash) different. */
export function jpeg(n: number): Buffer {
  const tag = Buffer.alloc(8);
  tag.writeUInt32BE(n, 4);
  return Buffer.concat([TINY_JPEG.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x0a]), tag, TINY_JPEG.subarray(2)]);
}

/** A phone speaking the backup protocol (device token, ROOM, tus uploads, backups). */
export class Phone {
  private constructor(private request: APIRequestContext, private token: string) {}

  static async signIn(request: APIRequestContext, email: string, room = 1, name = 'Pixel'): Promise<Phone> {
    const login = await request.post('/api/v1/devices/login', {
      data: { email, password: PASSWORD, name, os: 'android', model: 'Pixel 9' },
    });
    expect(login.status()).toBe(201);
    const phone = new Phone(request, (await login.json()).device_token);
    const registered = await request.post('/api/v1/device/register', { headers: phone.auth(), data: { room } });
    expect(registered.ok()).toBeTruthy();
    return phone;
  }

  private auth() {
    return { Authorization: `Bearer ${this.token}`, 'Tus-Resumable': '1.0.0' };
  }

  /** Uploads one file; `createdAt` in Unix seconds. */
  async upload(name: string, bytes: Buffer, createdAt: number) {
    const sha = createHash('sha256').update(bytes).digest('hex');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const created = await this.request.post('/api/v1/uploads', {
      headers: {
        ...this.auth(), 'Upload-Length': String(bytes.length),
        'Upload-Metadata': `filename ${b64(name)},sha256 ${b64(sha)},created_at ${b64(String(createdAt))}`,
      },
    });
    expect(created.status()).toBe(201);
    const patch = await this.request.patch(created.headers()['location'], {
      headers: { ...this.auth(), 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      data: bytes,
    });
    expect(patch.status()).toBe(204);
  }

  /** `count` distinct photos named IMG_<i>.jpg, a minute apart from `createdAt` on. */
  async photos(count: number, createdAt: number, first = 0): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    for (let i = first; i < first + count; i++) {
      const bytes = jpeg(i);
      await this.upload(`IMG_${i}.jpg`, bytes, createdAt + (i - first) * 60);
      files.set(`IMG_${i}.jpg`, bytes);
    }
    return files;
  }

  /**
   * Waits until the media jobs have made the pictures of `count` items of `month` (YYYY-MM):
   * for the state, however long a busy machine takes; the test's own timeout bounds it.
   */
  async picturesReady(month: string, count: number, room = 1) {
    for (;;) {
      const answer = await this.request.get(`/api/v1/rooms/${room}/timeline/${month}?filter=all`, { headers: this.auth() });
      expect(answer.ok()).toBeTruthy();
      const items: { thumbnail_url?: string }[] = (await answer.json()).items;
      if (items.filter((item) => item.thumbnail_url).length >= count) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Reports which files are still on the phone (SPEC D7). */
  async report(onPhone: Buffer[]) {
    const inventory = onPhone.map((b) => createHash('sha256').update(b).digest('hex'));
    const sent = await this.request.post('/api/v1/device/report', {
      headers: this.auth(), data: { name: 'Pixel', model: 'Pixel 9', free_bytes: 1, total_bytes: 2, inventory },
    });
    expect(sent.ok()).toBeTruthy();
  }

  /** Marks files "never back up" (SPEC D5). */
  async exclude(files: Buffer[]) {
    const sha256 = files.map((b) => createHash('sha256').update(b).digest('hex'));
    const sent = await this.request.put('/api/v1/device/exclusions', { headers: this.auth(), data: { sha256, excluded: true } });
    expect(sent.ok()).toBeTruthy();
  }

  /**
   * An app on the phone saves its data (SPEC P1): a first save, or a new version over `etag`
   * (the one it holds). Returns the new version's ETag.
   */
  async saveAppData(appId: string, bytes: Buffer, etag?: string): Promise<string> {
    const saved = await this.request.put(`/api/v1/app-data/${appId}`, {
      headers: { ...this.auth(), ...(etag ? { 'If-Match': etag } : { 'If-None-Match': '*' }) }, data: bytes,
    });
    expect(saved.status()).toBe(etag ? 200 : 201);
    return (await saved.json()).etag;
  }

  /** This phone's two app data switches, as the phone reads them (SPEC P2). */
  async appDataSwitches(): Promise<{ use: boolean; abroad: boolean }> {
    const answer = await this.request.get('/api/v1/device/app-data-switches', { headers: this.auth() });
    expect(answer.ok()).toBeTruthy();
    return answer.json();
  }

  async backup(kind: 'contacts' | 'calendar' | 'call_history', body: string) {
    const stored = await this.request.put(`/api/v1/device/backups/${kind}`, { headers: this.auth(), data: Buffer.from(body) });
    expect(stored.status()).toBe(201);
  }
}
