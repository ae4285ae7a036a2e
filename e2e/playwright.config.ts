import { defineConfig } from '@playwright/test';
import * as path from 'node:path';

// The suite drives Debian's Chromium against the built `hako` binary, with a fresh data
// folder per run. See README.md in this folder.
export const PORT = Number(process.env.HAKO_E2E_PORT ?? 18080);
export const DATA_DIR = path.resolve(__dirname, '.e2e-data');
const HAKO_BIN = path.resolve(__dirname, process.env.HAKO_BIN ?? '../target/debug/hako');
const DIST = path.resolve(__dirname, process.env.HAKO_E2E_DIST ?? '../dist');
// The second pass of scripts/test.sh points the server at PostgreSQL and an S3 bucket (SeaweedFS).
const HAKO_CONFIG = path.resolve(__dirname, process.env.HAKO_E2E_CONFIG ?? 'hako-e2e.toml');
const STORE_ENV = process.env.HAKO_DATABASE_URL ? { HAKO_DATABASE_URL: process.env.HAKO_DATABASE_URL } : {};
const OIDC_PROVIDER = path.resolve(__dirname, '../api-shim/tests/oidc-provider/provider.mjs');

/**
 * The corporate console's own servers (tests/corp.spec.ts), SQLite each: one whose clock starts
 * at 10:00 Japan time with 400 ms per line of an operation, one at 23:30 (outside the hours).
 * Not in the PostgreSQL pass of scripts/test.sh, which does not run that spec.
 */
/**
 * The real SMTP server the day server mails through (hako-e2e-corp.toml's [smtp]):
 * scripts/smtp.py keeps each accepted mail in `dir/mail/NNNNNN.eml` and refuses at RCPT every
 * address listed in `dir/refuse`, so a test makes one line's mail fail for real.
 */
export const SMTP = { port: 18093, dir: path.resolve(__dirname, '.e2e-smtp') };

export const CORP_SERVERS = {
  day: {
    port: Number(process.env.HAKO_E2E_CORP_PORT ?? 18083), data: path.resolve(__dirname, '.e2e-corp'),
    config: path.resolve(__dirname, 'hako-e2e-corp.toml'), mail: path.join(SMTP.dir, 'mail'),
  },
  late: {
    port: Number(process.env.HAKO_E2E_CORP_LATE_PORT ?? 18084), data: path.resolve(__dirname, '.e2e-corp-late'),
    config: path.resolve(__dirname, 'hako-e2e-corp-late.toml'), mail: path.resolve(__dirname, '.e2e-corp-late', 'outbox'),
  },
};
const corpServers = process.env.HAKO_DATABASE_URL ? [] : [
  {
    command: `rm -rf "${SMTP.dir}" && exec python3 "${path.resolve(__dirname, '../scripts/smtp.py')}" --port ${SMTP.port} --dir "${SMTP.dir}"`,
    port: SMTP.port,
    reuseExistingServer: false,
    timeout: 30_000,
  },
  ...Object.values(CORP_SERVERS).map(({ port, data, config }) => ({
    command: `rm -rf "${data}" && exec "${HAKO_BIN}" serve --listen 127.0.0.1:${port} --data "${data}" --dist "${DIST}" --config "${config}"`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe' as const,
    env: { RUST_LOG: 'warn' },
  })),
];

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'ja-JP',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'pc', use: { viewport: { width: 1280, height: 800 } } },
    {
      name: 'phone',
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
  ],
  webServer: [
    // Real OpenID providers standing in for Google and Apple (see hako-e2e.toml); every
    // sign-in through them is a new person.
    ...[['google', 18091], ['apple', 18092]].map(([name, port]) => ({
      command: `exec node "${OIDC_PROVIDER}"`,
      url: `http://127.0.0.1:${port}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { OIDC_PORT: String(port), OIDC_UNIQUE: '1', OIDC_SUB: `e2e-${name}`, OIDC_EMAIL: `${name}-user@example.jp` },
    })),
    {
      command: `rm -rf "${DATA_DIR}" && exec "${HAKO_BIN}" serve --listen 127.0.0.1:${PORT} --data "${DATA_DIR}" --dist "${DIST}" --config "${HAKO_CONFIG}"`,
      url: `http://127.0.0.1:${PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'pipe',
      env: { RUST_LOG: 'warn', ...STORE_ENV },
    },
    ...corpServers,
  ],
});
