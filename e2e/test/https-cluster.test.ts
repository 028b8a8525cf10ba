import { spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { randomBytes } from 'node:crypto';
import { startCluster, type Cluster } from '@pigeon/infra/cluster';
import { createScratchDatabase } from '@pigeon/db/testing';
import { deleteKeysUnder } from '@pigeon/test-utils';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { friendsWithConversation, launchChromium, logIn } from '../src/browser';

const adminUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const has = (command: string, flag: string) => spawnSync(command, [flag]).status === 0;
const tools = has('nginx', '-v') && has('caddy', 'version');

// The deployment's topology on loopback: Chromium -> Caddy (TLS, its own local CA) -> NGINX ->
// three instances on PostgreSQL and Redis, all running the deployment's own config files.
/** Headers of an HTTPS GET, checking the certificate against the given CA. */
function headersOf(url: string, ca: string, acceptEncoding: string) {
  return new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
    const req = request(url, { ca, headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      res.resume();
      resolve(res.headers);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.runIf(adminUrl && redisUrl && tools)('the cluster behind the TLS proxy, in Chromium', () => {
  let cluster: Cluster;
  let dropDatabase: () => Promise<void>;
  let browser: Browser;
  const redisPrefix = `pigeon-tls-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    const scratch = await createScratchDatabase(adminUrl ?? '');
    dropDatabase = scratch.drop;
    cluster = await startCluster({
      databaseUrl: scratch.url,
      redisUrl: redisUrl ?? '',
      redisPrefix,
      jwtSecret: randomBytes(48).toString('base64url'),
      tls: true,
      env: { RATE_LIMITS: JSON.stringify({ registrationsPerIp: { points: 1000, durationSeconds: 1 } }) },
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser.close();
    await cluster.stop();
    await dropDatabase();
    await deleteKeysUnder(redisUrl ?? '', redisPrefix);
  }, 60_000);

  it('logs in over https://, stays logged in across a reload, and gets live events over wss://', async () => {
    expect(cluster.url).toMatch(/^https:\/\/localhost:\d+$/);
    // Made through NGINX directly, as a bot on the inside would.
    const {
      one: me,
      two: friend,
      conversationId,
      close,
    } = await friendsWithConversation(cluster.nginxUrl, 'tls');
    // The certificate comes from Caddy's local CA, which this browser profile does not trust.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));

    await logIn(page, cluster.url, me);
    // Caddy -> NGINX -> instance said "https" all the way: the cookie is Secure, and kept.
    const cookies = await context.cookies(`${cluster.url}/trpc/auth.refresh`);
    expect(cookies.filter((c) => c.httpOnly).map((c) => c.secure)).toEqual([true]);
    await page.reload();
    await page.waitForURL('**/chats');
    await page.locator('[data-connection="connected"]').waitFor({ timeout: 20_000 });
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.every((url) => url.startsWith('wss://localhost:'))).toBe(true);

    // A message sent elsewhere arrives live through the proxies' WebSocket.
    await page.goto(`${cluster.url}/chats/${conversationId}`);
    await friend.client.messages.send.mutate({
      conversationId,
      body: 'over wss, through caddy',
      clientId: crypto.randomUUID(),
    });
    await page
      .getByTestId('message-body')
      .filter({ hasText: 'over wss, through caddy' })
      .waitFor({ timeout: 20_000 });
    await close();
  });

  it('passes the precompressed web app and its cache headers through Caddy and NGINX', async () => {
    const ca = cluster.rootCertificate ?? '';
    const page = await headersOf(`${cluster.url}/`, ca, 'gzip, br');
    expect(page['content-encoding']).toBe('br');
    expect(page['cache-control']).toBe('no-cache');
    expect(page.vary).toMatch(/Accept-Encoding/i);
    const gzipOnly = await headersOf(`${cluster.url}/`, ca, 'gzip');
    expect(gzipOnly['content-encoding']).toBe('gzip');
  });
});
