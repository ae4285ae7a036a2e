// Interoperability: tus-js-client (a tus client nobody here wrote) uploads to Hako, is cut
// off, and resumes where it stopped (SPEC D3, T1). Runs in Node; no browser page needed.
import { createHash } from 'node:crypto';
import * as tus from 'tus-js-client';
import { test, expect, PASSWORD } from './fixtures';

function upload(
  endpoint: string,
  token: string,
  file: Buffer,
  sha256: string,
  options: Partial<tus.UploadOptions> = {},
): tus.Upload {
  return new tus.Upload(file, {
    endpoint,
    headers: { Authorization: `Bearer ${token}` },
    metadata: { filename: 'VID_20240815.mp4', sha256, created_at: '1723680000' },
    chunkSize: 256 * 1024,
    retryDelays: [],
    ...options,
  });
}

test('tus-js-client uploads, is interrupted, and resumes', async ({ request, account, baseURL }, info) => {
  test.skip(info.project.name !== 'pc', 'no browser involved: one run is enough');
  const login = await request.post('/api/v1/devices/login', {
    data: { email: account, password: PASSWORD, name: 'Pixel', os: 'android', model: 'Pixel 9' },
  });
  expect(login.status()).toBe(201);
  const { device_token: token } = await login.json();
  const headers = { Authorization: `Bearer ${token}` };
  expect((await request.post('/api/v1/device/register', { headers, data: { room: 1 } })).ok()).toBeTruthy();

  const file = Buffer.alloc(2 * 1024 * 1024 + 123);
  for (let i = 0; i < file.length; i++) file[i] = (i * 31) % 251;
  const sha256 = createHash('sha256').update(file).digest('hex');
  const endpoint = `${baseURL}/api/v1/uploads`;

  // First attempt: stop after the first acknowledged chunk.
  const uploadUrl = await new Promise<string>((resolve, reject) => {
    const first = upload(endpoint, token, file, sha256, {
      onChunkComplete: (_chunk, accepted) => {
        if (accepted > 0) {
          first.abort().then(() => resolve(first.url!), reject);
        }
      },
      onError: reject,
    });
    first.start();
  });
  let missing = await request.post('/api/v1/device/missing', { headers, data: { sha256: [sha256] } });
  expect((await missing.json()).missing).toEqual([sha256]);

  // Second attempt: told the URL, the client asks for the offset and sends only the rest.
  let resumedFrom = -1;
  await new Promise<void>((resolve, reject) => {
    const second = upload(endpoint, token, file, sha256, {
      uploadUrl,
      onProgress: (sent) => {
        if (resumedFrom < 0) resumedFrom = sent;
      },
      onSuccess: () => resolve(),
      onError: reject,
    });
    second.start();
  });
  expect(resumedFrom).toBeGreaterThanOrEqual(256 * 1024);

  missing = await request.post('/api/v1/device/missing', { headers, data: { sha256: [sha256] } });
  expect((await missing.json()).missing).toEqual([]);
});
