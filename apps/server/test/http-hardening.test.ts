import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestServer } from './harness';

// A stand-in build of the web app: these tests are about the headers around it, not its content.
const webDist = mkdtempSync(join(tmpdir(), 'pigeon-dist-'));
writeFileSync(
  join(webDist, 'index.html'),
  '<!doctype html><title>Pigeon</title><script src="/assets/app.js"></script>',
);
afterAll(() => rmSync(webDist, { recursive: true, force: true }));

describe('HTTP hardening', () => {
  const t = useTestServer('embedded', { webDist, cookieSecure: true });

  it('serves the web app with a CSP without inline scripts, no framing, no sniffing and no referrer', async () => {
    for (const path of ['/', '/chats/some-client-route']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('refuses a body over 256 KiB with 413 and stores nothing', async () => {
    const username = `big_${Date.now().toString(36)}`;
    const res = await fetch(`${t.url}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@example.com`, password: 'x'.repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    const searcher = await t.user('searcher');
    expect(await searcher.client.users.search.query({ query: username })).toMatchObject({ users: [] });
  });

  it('marks the refresh cookie Secure, HttpOnly and SameSite=Strict outside development', async () => {
    const res = await fetch(`${t.url}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: `cookie_${Date.now().toString(36)}`,
        email: `cookie_${Date.now().toString(36)}@example.com`,
        password: 'a long password',
        cookie: true,
      }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
  });
});
