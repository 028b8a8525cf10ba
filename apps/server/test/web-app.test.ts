import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestServer } from './harness';

// A stand-in build as Vite and apps/web/precompress.ts lay it out: hashed assets with their
// brotli and gzip copies and a hidden source map, index.html with its copies.
const webDist = mkdtempSync(join(tmpdir(), 'pigeon-dist-'));
const html =
  '<!doctype html><title>Pigeon</title><script type="module" src="/assets/app-1a2b3c.js"></script>';
const js = `console.log(${JSON.stringify('pigeon '.repeat(500))});`;
mkdirSync(join(webDist, 'assets'));
for (const [name, content] of Object.entries({ 'index.html': html, 'assets/app-1a2b3c.js': js })) {
  writeFileSync(join(webDist, name), content);
  writeFileSync(join(webDist, `${name}.br`), brotliCompressSync(content));
  writeFileSync(join(webDist, `${name}.gz`), gzipSync(content));
}
writeFileSync(join(webDist, 'assets/app-1a2b3c.js.map'), '{"version":3,"sources":["secret.ts"]}');
afterAll(() => rmSync(webDist, { recursive: true, force: true }));

/** A GET that leaves the body as sent (fetch would decode it). */
function rawGet(url: string, acceptEncoding?: string) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    const req = request(
      url,
      { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the web app on the wire', () => {
  const t = useTestServer('embedded', { webDist });

  it('sends the brotli copy to a browser that takes br, the gzip copy to one that takes gzip only', async () => {
    for (const path of ['/', '/assets/app-1a2b3c.js', '/chats/a-client-route']) {
      const br = await rawGet(`${t.url}${path}`, 'gzip, deflate, br, zstd');
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toMatch(/Accept-Encoding/i);
      const gz = await rawGet(`${t.url}${path}`, 'gzip, deflate');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).toString()).toBe(brotliDecompressSync(br.body).toString());
      const plain = await rawGet(`${t.url}${path}`);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(gunzipSync(gz.body).toString());
      expect(br.body.length).toBeLessThan(plain.body.length);
    }
  });

  it('lets caches keep hashed assets for a year and makes them revalidate the HTML', async () => {
    const asset = await rawGet(`${t.url}/assets/app-1a2b3c.js`, 'br');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    for (const path of ['/', '/index.html', '/chats/a-client-route']) {
      const page = await rawGet(`${t.url}${path}`, 'br');
      expect(page.headers['cache-control'], path).toBe('no-cache');
      expect(page.headers['content-type'], path).toMatch(/text\/html/);
    }
  });

  it('never serves source maps', async () => {
    const map = await rawGet(`${t.url}/assets/app-1a2b3c.js.map`, 'br');
    expect(map.status).toBe(404);
    expect(map.body.toString()).not.toContain('secret.ts');
  });

  it('answers 404 for a missing asset instead of the app', async () => {
    expect((await rawGet(`${t.url}/assets/missing-123.js`, 'br')).status).toBe(404);
  });
});
