import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { isLocalHost, plainHttpWatcher, startupTransportWarning } from '../src/http/transport';
import { useTestServer } from './harness';

/** Registers a user asking for the refresh cookie and returns the Set-Cookie header sent back. */
async function registerCookie(url: string, headers: Record<string, string> = {}): Promise<string> {
  const username = `tls_${Math.random().toString(36).slice(2, 10)}`;
  const res = await fetch(`${url}/trpc/auth.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      username,
      email: `${username}@example.com`,
      password: 'a long password',
      cookie: true,
    }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/; HttpOnly/);
  return cookie;
}

describe('the refresh cookie follows how the request arrived (COOKIE_SECURE=auto)', () => {
  describe('behind a trusted TLS proxy', () => {
    const t = useTestServer('embedded', { cookieSecure: 'auto', trustProxy: true });

    it('is Secure when the proxy says the browser used HTTPS', async () => {
      expect(await registerCookie(t.url, { 'x-forwarded-proto': 'https' })).toMatch(/; Secure/);
      // The first of a chain of proxies names the browser's scheme.
      expect(await registerCookie(t.url, { 'x-forwarded-proto': 'https, http' })).toMatch(/; Secure/);
    });

    it('is not Secure over plain HTTP, where the browser would drop it and log the user out', async () => {
      expect(await registerCookie(t.url, { 'x-forwarded-proto': 'http' })).not.toMatch(/Secure/);
      expect(await registerCookie(t.url)).not.toMatch(/Secure/);
    });
  });

  describe('without a trusted proxy', () => {
    const t = useTestServer('embedded', { cookieSecure: 'auto', trustProxy: false });

    it('ignores X-Forwarded-Proto, which any client can send', async () => {
      expect(await registerCookie(t.url, { 'x-forwarded-proto': 'https' })).not.toMatch(/Secure/);
    });
  });
});

describe('transport configuration', () => {
  it('defaults COOKIE_SECURE to auto, and takes true and false as overrides', () => {
    expect(loadConfig({}).cookieSecure).toBe('auto');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) }).cookieSecure).toBe('auto');
    expect(loadConfig({ COOKIE_SECURE: 'true' }).cookieSecure).toBe(true);
    expect(loadConfig({ COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    expect(() => loadConfig({ COOKIE_SECURE: 'yes' })).toThrow(/COOKIE_SECURE/);
  });

  it('tells loopback names, which browsers trust over plain HTTP, from others', () => {
    for (const host of [
      'localhost',
      'localhost:8080',
      'app.localhost',
      '127.0.0.1:3000',
      '[::1]:3000',
      '::1',
    ])
      expect(isLocalHost(host), host).toBe(true);
    for (const host of [
      '0.0.0.0',
      '192.168.1.20:8080',
      'chat.example.com',
      '[fe80::1]:80',
      'localhost.example.com',
    ])
      expect(isLocalHost(host), host).toBe(false);
  });

  it('warns at start when it listens on other machines’ reach with no TLS proxy in front', () => {
    const warning = startupTransportWarning({ host: '0.0.0.0', trustProxy: false, cookieSecure: 'auto' });
    expect(warning).toMatch(/plain HTTP on 0\.0\.0\.0/);
    expect(warning).toMatch(/TLS proxy/);
    expect(startupTransportWarning({ host: '0.0.0.0', trustProxy: true, cookieSecure: 'auto' })).toBeNull();
    expect(
      startupTransportWarning({ host: '127.0.0.1', trustProxy: false, cookieSecure: 'auto' }),
    ).toBeNull();
  });
});

describe('the plain-HTTP watcher', () => {
  const request = (headers: Record<string, string>) => {
    const req = new IncomingMessage(new Socket());
    req.headers = headers;
    return req;
  };

  it('logs once when a browser reaches the API over plain HTTP by a non-local name', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const watch = plainHttpWatcher(pino({ level: 'warn' }, sink), { trustProxy: true });
    // Not a browser, a local name, or HTTPS by the trusted proxy's word: nothing to say.
    watch(request({ host: 'chat.example.com' }));
    watch(request({ host: 'localhost:3000', origin: 'http://localhost:3000' }));
    watch(
      request({ host: 'chat.example.com', origin: 'https://chat.example.com', 'x-forwarded-proto': 'https' }),
    );
    expect(lines).toEqual([]);
    watch(request({ host: '192.168.1.20:8080', origin: 'http://192.168.1.20:8080' }));
    watch(request({ host: '192.168.1.20:8080', origin: 'http://192.168.1.20:8080' }));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 40, host: '192.168.1.20:8080' });
  });
});
