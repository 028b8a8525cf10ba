import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, startServer, type RunningServer, type ServerConfig } from '@pigeon/server';
import AxeBuilder from '@axe-core/playwright';
import { createPigeonClient } from '@pigeon/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import WebSocket from 'ws';

/** The built web app; `turbo run test` builds it before these tests (see turbo.json). */
const webDist = join(dirname(createRequire(import.meta.url).resolve('@pigeon/web/package.json')), 'dist');

// The committed pictures are refreshed on request (UPDATE_SCREENSHOTS=1); other runs write to a
// scratch folder, so running the tests never dirties the work tree.
export const screenshots = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : join(tmpdir(), 'pigeon-screenshots/');

/**
 * Debian's Chromium, as on CI; playwright-core drives it (no browser download). `extraArgs`:
 * e.g. `--host-resolver-rules=MAP chat.test 127.0.0.1`, to reach a local server by a real name.
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/**
 * A real Pigeon server serving the built web app on an embedded database in a temporary
 * directory, restartable on the same port and data (as an operator's restart would be).
 */
export async function startWebServer(overrides: Partial<ServerConfig> = {}) {
  if (!existsSync(join(webDist, 'index.html'))) {
    throw new Error(
      `No built web app in ${webDist}: run the tests through turbo (pnpm test), which builds it first, or pnpm --filter @pigeon/web build.`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-e2e-'));
  const config: ServerConfig = {
    host: '127.0.0.1',
    port: 0,
    database: { url: undefined, dataDir, poolSize: 1 },
    redis: undefined,
    jwtSecret: 'e2e-secret-'.padEnd(48, 'e'),
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 86_400,
    logLevel: 'silent',
    shutdownGraceMs: 500,
    cookieSecure: false,
    webDist,
    // The tests send faster than people do (hundreds of messages in a second).
    rateLimits: {
      messages: { points: 100_000, durationSeconds: 1 },
      registrationsPerIp: { points: 100_000, durationSeconds: 1 },
    },
    ...overrides,
  };
  let server: RunningServer = await startServer(config, createLogger('silent'));
  const port = server.port;
  return {
    url: server.url,
    /** Stops the server; `start` brings it back on the same port and data. */
    stop: () => server.close(),
    async start() {
      server = await startServer({ ...config, port }, createLogger('silent'));
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type WebServer = Awaited<ReturnType<typeof startWebServer>>;

/**
 * One web server and one Chromium for a test file: started before its tests, closed after.
 * Read `server` and `browser` inside tests and hooks, once `beforeAll` has run.
 */
export function webServerAndBrowserForFile(overrides: Partial<ServerConfig> = {}) {
  let server: WebServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startWebServer(overrides);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('Read the web server and browser inside a test or hook.');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
  };
}

/** Logs in through the login form and waits for the chats screen. */
export async function logIn(page: Page, baseUrl: string, user: { username: string; password: string }) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/chats');
  // The signed-in frame is a chunk of its own: wait until it has loaded and shows.
  await page.getByTestId('me').waitFor();
}

/**
 * Two friends with a conversation, made through the typed client as a bot would; returns their
 * credentials and the conversation, for tests that then log in through the UI.
 */
export async function friendsWithConversation(baseUrl: string, prefix: string) {
  const tag = randomUUID().slice(0, 6);
  const one = {
    username: `${prefix}1_${tag}`,
    email: `${prefix}1_${tag}@example.com`,
    password: `${prefix} password one`,
  };
  const two = {
    username: `${prefix}2_${tag}`,
    email: `${prefix}2_${tag}@example.com`,
    password: `${prefix} password two`,
  };
  const first = createPigeonClient({ url: baseUrl, WebSocket });
  const second = createPigeonClient({ url: baseUrl, WebSocket });
  const { user: oneUser } = await first.auth.register.mutate(one);
  const { user: twoUser } = await second.auth.register.mutate(two);
  const { request } = await second.friends.request.mutate({ userId: oneUser.id });
  await first.friends.accept.mutate({ requestId: request.id });
  const conversation = await first.conversations.open.mutate({ userId: twoUser.id });
  return {
    one: { ...one, id: oneUser.id, client: first },
    two: { ...two, id: twoUser.id, client: second },
    conversationId: conversation.id,
    close: () => Promise.all([first.$close(), second.$close()]),
  };
}

/** Accessibility problems axe rates serious or critical, as "rule: elements" lines. */
export async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Waits until the service worker has kept the app shell and controls the page. Its activation
 * claims the pages open at that moment, but not a page whose navigation was still under way
 * then (the login page registers the worker; the test goes on to another page at once): that
 * page is controlled from its next load, as a person's next visit is, so it is loaded again.
 */
export async function serviceWorkerInControl(page: Page) {
  await page.evaluate(async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    if (!worker || worker.state === 'activated') return;
    await new Promise<void>((resolve) => {
      worker.addEventListener('statechange', () => {
        if (worker.state === 'activated') resolve();
      });
    });
  });
  // The claim reaches the page as a 'controllerchange' event a moment after the activation.
  const claimed = await page.evaluate(
    () =>
      navigator.serviceWorker.controller !== null ||
      new Promise<boolean>((resolve) => {
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true));
        setTimeout(() => resolve(navigator.serviceWorker.controller !== null), 3_000);
      }),
  );
  if (!claimed) {
    await page.reload();
  }
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 })
    .toBe(true);
}
