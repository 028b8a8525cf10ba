import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebServer, type WebServer } from '../src/browser';

// What a browser really downloads from the server for the login page, measured on the wire.
const BUDGET_BYTES = 150 * 1024;

let server: WebServer;
beforeAll(async () => {
  server = await startWebServer();
});
afterAll(() => server.close());

/** A GET that leaves the body as sent (fetch would decode it). */
function rawGet(url: string, acceptEncoding: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    bytes: number;
    text: string;
  }>((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes: body.length,
          text: body.toString(),
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The scripts the login page loads at once, and the bytes each takes on the wire. */
async function loginPageTransfer(acceptEncoding: string, expected: 'br' | 'gzip' | undefined) {
  const page = await rawGet(`${server.url}/login`, 'identity');
  const scripts = [
    ...page.text.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...page.text.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((m) => m[1] ?? '');
  expect(scripts.length).toBeGreaterThan(0);
  let bytes = 0;
  for (const script of new Set(scripts)) {
    const res = await rawGet(`${server.url}${script}`, acceptEncoding);
    expect(res.status, script).toBe(200);
    expect(res.headers['cache-control'], script).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary, script).toMatch(/Accept-Encoding/i);
    // Tiny scripts may have no smaller copy; the ones that matter do.
    if (res.bytes > 2048) expect(res.headers['content-encoding'], script).toBe(expected);
    bytes += res.bytes;
  }
  return bytes;
}

it('sends the login page’s initial JavaScript precompressed, under 150 KiB with gzip and less with brotli', async () => {
  const gzip = await loginPageTransfer('gzip, deflate', 'gzip');
  const brotli = await loginPageTransfer('gzip, deflate, br, zstd', 'br');
  const identity = await loginPageTransfer('identity', undefined);
  expect(gzip).toBeLessThan(BUDGET_BYTES);
  expect(brotli).toBeLessThan(gzip);
  expect(identity).toBeGreaterThan(gzip * 2);
});

it('sends index.html compressed and to be revalidated, and keeps source maps private', async () => {
  const page = await rawGet(`${server.url}/`, 'br');
  expect(page.headers['content-encoding']).toBe('br');
  expect(page.headers['cache-control']).toBe('no-cache');
  const script = /src="(\/assets\/[^"]+\.js)"/.exec((await rawGet(`${server.url}/`, 'identity')).text)?.[1];
  expect(script).toBeDefined();
  expect((await rawGet(`${server.url}${script ?? ''}.map`, 'identity')).status).toBe(404);
});
