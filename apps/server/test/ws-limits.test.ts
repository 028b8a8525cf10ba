import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_CLOSE_TOO_MANY } from '../src/ws/close-codes';
import { backends, useTestServer } from './harness';

const ALLOWED = 'https://allowed.example';

describe.each(backends)('WebSocket and HTTP limits (%s)', (backend) => {
  const t = useTestServer(backend, { allowedOrigins: [ALLOWED], wsMaxConnectionsPerUser: 3 });
  const wsUrl = () => `${t.url.replace('http', 'ws')}/trpc?connectionParams=1`;

  /** Opens a socket, sends its token and `subscriptions` stream requests; collects what comes back. */
  async function open(token: string | null, opts: { origin?: string; subscriptions?: number } = {}) {
    const ws = new WebSocket(wsUrl(), opts.origin ? { headers: { origin: opts.origin } } : {});
    const messages: { id?: number; error?: { data?: { code?: string } }; result?: { type?: string } }[] = [];
    ws.on('message', (data: Buffer) =>
      messages.push(JSON.parse(data.toString()) as (typeof messages)[number]),
    );
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const status = await new Promise<number>((resolve) => {
      ws.once('open', () => resolve(101));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    if (status === 101 && token) {
      ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
      for (let id = 1; id <= (opts.subscriptions ?? 1); id++) {
        ws.send(
          JSON.stringify({ id, method: 'subscription', params: { path: 'events.subscribe', input: {} } }),
        );
      }
    }
    return { ws, status, messages, closed };
  }

  const tokenOf = async () => {
    const u = await t.user('lim');
    return u.client.$session.get()?.accessToken ?? '';
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 30));
  };

  it('refuses WebSockets and API calls from other sites, allows its own and the allow-list', async () => {
    const token = await tokenOf();
    expect((await open(token, { origin: 'https://evil.example' })).status).toBe(403);
    for (const origin of [new URL(t.url).origin, ALLOWED]) {
      const ok = await open(token, { origin });
      expect(ok.status).toBe(101);
      ok.ws.close();
    }
    const foreign = await fetch(`${t.url}/trpc/auth.me`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const allowed = await fetch(`${t.url}/trpc/auth.me`, {
      headers: { origin: ALLOWED, authorization: `Bearer ${token}` },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const preflight = await fetch(`${t.url}/trpc/messages.send`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('caps streams per connection and connections per user', async () => {
    const token = await tokenOf();
    const many = await open(token, { subscriptions: 6 });
    await until(() => many.messages.some((m) => m.id === 6 && m.error));
    expect(many.messages.find((m) => m.id === 6 && m.error)?.error?.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(many.messages.filter((m) => m.id !== 6 && m.error)).toEqual([]);

    const more = await Promise.all([open(token), open(token)]); // 3 with `many`: the cap
    const fourth = await open(token);
    expect(await fourth.closed).toBe(WS_CLOSE_TOO_MANY);
    for (const s of [many, ...more]) s.ws.close();
  });

  it('closes a socket that sends an oversized frame', async () => {
    const token = await tokenOf();
    const s = await open(token);
    s.ws.send('x'.repeat(300 * 1024));
    expect(await s.closed).toBe(1009);
  });
});
