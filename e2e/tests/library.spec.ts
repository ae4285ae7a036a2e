// The library's first slice (SPEC V4, V7): a phone backs up photos through the API, and the
// web viewer shows them grouped by day, newest first, in Japanese and English.
import { createHash } from 'node:crypto';
import { APIRequestContext } from '@playwright/test';
import { test, expect, signIn, PASSWORD } from './fixtures';

const TINY_JPEG = Buffer.from('/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcICAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xABMAAEBAAAAAAAAAAAAAAAAAAAABQEBAQAAAAAAAAAAAAAAAAAAAAYQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/wAARCAAYACADASIAAhEAAxEA/9oADAMBAAIRAxEAPwCCAu06AAAAAA//2Q==', 'base64');

/** Backs up `count` distinct photos as a phone would, all "created" at `createdAt` (Unix s). */
async function backUpPhotos(request: APIRequestContext, email: string, count: number, createdAt: number) {
  const login = await request.post('/api/v1/devices/login', {
    data: { email, password: PASSWORD, name: 'Pixel', os: 'android', model: 'Pixel 9' },
  });
  const { device_token: token } = await login.json();
  const auth = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
  await request.post('/api/v1/device/register', { headers: auth, data: { room: 1 } });
  for (let i = 0; i < count; i++) {
    // A comment segment makes each file's bytes (and hash) different.
    const bytes = Buffer.concat([TINY_JPEG.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, 0x04, i, 0]), TINY_JPEG.subarray(2)]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const created = await request.post('/api/v1/uploads', {
      headers: { ...auth, 'Upload-Length': String(bytes.length), 'Upload-Metadata': `filename ${b64(`IMG_${i}.jpg`)},sha256 ${b64(sha)},created_at ${b64(String(createdAt + i * 60))}` },
    });
    expect(created.status()).toBe(201);
    const patch = await request.patch(created.headers()['location'], {
      headers: { ...auth, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
      data: bytes,
    });
    expect(patch.status()).toBe(204);
  }
}

test('photos backed up by a phone appear under their day', async ({ page, request, account }) => {
  await backUpPhotos(request, account, 3, 1723680000); // 2024-08-15 09:00 in Japan, a Thursday
  await signIn(page, account);
  await expect(page.getByTestId('timeline-item')).toHaveCount(3);
  await expect(page.getByTestId('day-heading')).toHaveText(['2024年8月15日（木）']);
  await expect(page.getByTestId('timeline-item').first()).toHaveAttribute('data-badge', 'cloud_only');
  // Thumbnails are made in the background; after a reload they are images.
  await expect(async () => {
    await page.reload();
    await expect(page.locator('[data-testid="timeline-item"] img')).toHaveCount(3, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('day-heading')).toHaveText(['Thu, Aug 15, 2024']);
});

test('an account without backups sees how to start', async ({ page, account }) => {
  await signIn(page, account);
  await expect(page.getByTestId('library-empty')).toContainText('スマホのアプリからバックアップすると');
});
