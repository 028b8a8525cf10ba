// The web app on a network that drops: a screen that cannot be downloaded, the server going
// away, the browser going offline, and reloads without a network. One server and one Chromium.
import { mkdirSync } from 'node:fs';
import type { PigeonClient } from '@pigeon/client';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  screenshots,
  seriousViolations,
  serviceWorkerInControl,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();
const contexts: BrowserContext[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function newPage(options: Parameters<typeof e2e.browser.newContext>[0] = {}) {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  contexts.push(context);
  return { context, page: await context.newPage() };
}

/** Errors the page logs, or throws, from now on. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** Marks the document, so a test can tell that the page was not reloaded. */
async function markDocument(page: Page) {
  await page.evaluate(() => document.documentElement.setAttribute('data-not-reloaded', ''));
}

async function stillSameDocument(page: Page) {
  return page.evaluate(() => document.documentElement.hasAttribute('data-not-reloaded'));
}

describe('a visitor', () => {
  it('loads the start page with no console error (not logged in is not an error)', async () => {
    const { page } = await newPage();
    const errors = consoleErrors(page);
    const refreshes: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/trpc/auth.')) refreshes.push(r.status());
    });
    await page.goto(e2e.server.url, { waitUntil: 'networkidle' });
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    await page.goto(`${e2e.server.url}/login`, { waitUntil: 'networkidle' });
    await page.getByLabel('Username').waitFor();
    expect(refreshes.length).toBeGreaterThan(0);
    expect(refreshes.every((status) => status === 200)).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('a screen that cannot be downloaded', () => {
  // The service worker would serve the chunks from its cache; these tests are about the network.
  const noServiceWorker = { serviceWorkers: 'block' } as const;

  it('loads by itself once the browser is back online, without a reload', async () => {
    const { one, close } = await friendsWithConversation(e2e.server.url, 'chunk');
    const { context, page } = await newPage(noServiceWorker);
    await logIn(page, e2e.server.url, one);
    await markDocument(page);
    await context.setOffline(true);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
    await page.getByText('Loading people').waitFor();
    await page.waitForTimeout(1_500);
    await context.setOffline(false);
    await page.getByRole('heading', { name: 'Find people' }).waitFor({ timeout: 15_000 });
    expect(await stillSameDocument(page)).toBe(true);
    await close();
  });

  it('says so with a Reload button when it keeps failing, and loads on Try again', async () => {
    const { one, close } = await friendsWithConversation(e2e.server.url, 'reload');
    const { page } = await newPage(noServiceWorker);
    await logIn(page, e2e.server.url, one);
    await markDocument(page);
    let refused = 0;
    await page.route('**/assets/search-*.js', (route) => {
      refused++;
      return route.abort('connectionrefused');
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
    const screen = page.getByTestId('error-screen');
    await screen.waitFor({ timeout: 20_000 });
    expect(await screen.textContent()).toContain('This screen could not be loaded');
    await page.getByRole('button', { name: 'Reload' }).waitFor();
    // Four tries (each may fetch the chunk twice: Vite preloads a chunk as it imports it).
    expect(refused).toBeGreaterThanOrEqual(4);
    // The frame around it is still there: the navigation works.
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);

    await page.unroute('**/assets/search-*.js');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Search messages' }).waitFor();
    expect(await stillSameDocument(page)).toBe(true);
    await close();
  });

  it('loads by itself when a stopped server comes back', async () => {
    const { one, close } = await friendsWithConversation(e2e.server.url, 'stopped');
    const { page } = await newPage(noServiceWorker);
    await logIn(page, e2e.server.url, one);
    await markDocument(page);
    await one.client.$close();
    await e2e.server.stop();
    try {
      await page.getByTestId('me').click();
      await page.getByText('Loading your profile').waitFor();
    } finally {
      await e2e.server.start();
    }
    await page.getByRole('heading', { name: 'Your profile' }).waitFor({ timeout: 30_000 });
    expect(await stillSameDocument(page)).toBe(true);
    await close();
  });
});

/** The conversation's message bodies as the server has them, oldest first. */
async function storedBodies(client: PigeonClient, conversationId: string) {
  const { messages } = await client.messages.history.query({ conversationId, limit: 100 });
  return messages.map((m) => m.body).reverse();
}

async function writeAll(page: Page, name: string, bodies: string[]) {
  const composer = page.getByRole('textbox', { name: `Message ${name}` });
  for (const body of bodies) {
    await composer.fill(body);
    await composer.press('Enter');
  }
}

describe('sending without a connection', () => {
  it('queues messages written offline, then sends each once, in order, when back online', async () => {
    const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'queue');
    const { context, page } = await newPage();
    await logIn(page, e2e.server.url, one);
    await page.goto(`${e2e.server.url}/chats/${conversationId}`);
    await page.getByRole('textbox', { name: `Message ${two.username}` }).waitFor();
    await page.locator('[data-connection="connected"]').waitFor();

    const banner = page.getByTestId('connection-banner');
    expect(await banner.getAttribute('data-shown')).toBe('none');
    expect(await page.getByTestId('queued-note').count()).toBe(0);

    await context.setOffline(true);
    // Said plainly: a banner (a status region), the composer, and friends' presence unknown.
    await expect.poll(() => banner.getAttribute('data-shown')).toBe('offline');
    expect(await banner.getAttribute('role')).toBe('status');
    expect(await banner.textContent()).toContain('You are offline');
    await page.getByTestId('queued-note').waitFor();
    await expect
      .poll(() => page.getByTestId('presence-dot').evaluateAll((dots) => dots.map((d) => d.dataset.status)))
      .toEqual(expect.arrayContaining(['unknown']));
    expect(
      await page
        .getByTestId('presence-dot')
        .evaluateAll((dots) => dots.every((d) => d.dataset.status === 'unknown')),
    ).toBe(true);
    await writeAll(page, two.username, ['first', 'second', 'third']);
    const marks = page.getByTestId('pending-mark');
    await expect.poll(() => marks.allTextContents()).toEqual(Array(3).fill('Waiting to send'));
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: `${screenshots}offline-desktop-light.png` });
    expect(await seriousViolations(page)).toEqual([]);
    // Seconds later they still wait: queued, not failed.
    await page.waitForTimeout(2_500);
    expect(await marks.count()).toBe(3);
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    expect(await storedBodies(two.client, conversationId)).toEqual([]);

    await context.setOffline(false);
    await expect.poll(() => banner.getAttribute('data-shown'), { timeout: 20_000 }).toBe('back');
    expect(await banner.textContent()).toContain('Back online');
    await expect
      .poll(() => storedBodies(two.client, conversationId), { timeout: 20_000 })
      .toEqual(['first', 'second', 'third']);
    await expect.poll(() => banner.getAttribute('data-shown'), { timeout: 10_000 }).toBe('none');
    expect(await page.getByTestId('queued-note').count()).toBe(0);
    await expect.poll(() => marks.count(), { timeout: 10_000 }).toBe(0);
    // Nothing more arrives later (each went exactly once).
    await page.waitForTimeout(1_000);
    expect(await storedBodies(two.client, conversationId)).toEqual(['first', 'second', 'third']);
    await close();
  });

  it('keeps messages written while the server is down, and sends them once it is back', async () => {
    const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'outage');
    const { page } = await newPage();
    await logIn(page, e2e.server.url, one);
    await page.goto(`${e2e.server.url}/chats/${conversationId}`);
    await page.locator('[data-connection="connected"]').waitFor();
    await one.client.$close();
    await two.client.$close();

    await e2e.server.stop();
    try {
      await writeAll(page, two.username, ['during', 'the', 'outage']);
      await expect.poll(() => page.getByTestId('pending-mark').count()).toBe(3);
      await page.waitForTimeout(2_000);
      expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    } finally {
      await e2e.server.start();
    }
    await expect
      .poll(() => storedBodies(two.client, conversationId), { timeout: 40_000 })
      .toEqual(['during', 'the', 'outage']);
    await expect.poll(() => page.getByTestId('pending-mark').count(), { timeout: 10_000 }).toBe(0);
    await close();
  });
});

/** How many entries the app keeps in IndexedDB for offline use. */
function keptEntries(page: Page) {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('pigeon');
        open.onerror = () => reject(new Error('no database'));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('offline')) return resolve(0);
          const count = db.transaction('offline').objectStore('offline').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(new Error('no count'));
        };
      }),
  );
}

/** A PNG's width and height, from its header (the IHDR chunk, right after the signature). */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('the installed app', () => {
  it('is installable, with a manifest and a service worker', async () => {
    const { page, context } = await newPage();
    await page.goto(e2e.server.url);
    await serviceWorkerInControl(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    // Chromium installs nothing from an incognito profile (which every test context is); any
    // other complaint (no manifest, no icon, no service worker) would be listed too.
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    const manifest = (await (await page.request.get(`${e2e.server.url}/manifest.webmanifest`)).json()) as {
      name: string;
      start_url: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Pigeon', start_url: '/chats' });

    // Android installs from PNG icons of 192 and 512 px, and wants a maskable one: each is served
    // as a PNG of the size the manifest gives.
    const pngs = manifest.icons.filter((icon) => icon.type === 'image/png');
    expect(pngs.map((icon) => `${icon.sizes} ${icon.purpose}`).sort()).toEqual([
      '192x192 any',
      '192x192 maskable',
      '512x512 any',
      '512x512 maskable',
    ]);
    for (const icon of pngs) {
      const response = await page.request.get(`${e2e.server.url}${icon.src}`);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toBe('image/png');
      expect(pngSize(await response.body()).join('x')).toBe(icon.sizes);
    }
  });

  it('opens from the service worker after a reload with no network, and sends the queue once back', async () => {
    const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'reload');
    await two.client.messages.send.mutate({
      conversationId,
      body: 'written before',
      clientId: crypto.randomUUID(),
    });
    const { context, page } = await newPage();
    await logIn(page, e2e.server.url, one);
    await page.goto(`${e2e.server.url}/chats/${conversationId}`);
    await serviceWorkerInControl(page);
    await page.getByTestId('message-body').getByText('written before').waitFor();
    await page.locator('[data-connection="connected"]').waitFor();
    // The copy of the chats is written a moment after they load.
    await expect.poll(() => keptEntries(page)).toBeGreaterThanOrEqual(2);

    // A reload online: the kept chat list shows while the server's answer is still held back.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/trpc/**', async (route) => {
      if (route.request().url().includes('conversations.list')) await held;
      await route.continue();
    });
    await page.reload();
    await page.getByRole('list', { name: 'Conversations' }).getByText(two.username).waitFor();
    release();
    await page.unrouteAll({ behavior: 'wait' });
    await page.locator('[data-connection="connected"]').waitFor();

    await context.setOffline(true);
    await writeAll(page, two.username, ['queued one', 'queued two']);
    await expect.poll(() => page.getByTestId('pending-mark').count()).toBe(2);
    await page.waitForTimeout(300);
    await page.reload();

    // Not a browser error page: the app, on this device's copy, with the queue still there.
    await expect
      .poll(() => page.getByTestId('connection-banner').getAttribute('data-shown'), { timeout: 15_000 })
      .toBe('offline');
    await page.getByTestId('message-body').getByText('written before').waitFor();
    await expect
      .poll(() => page.getByTestId('pending-mark').allTextContents())
      .toEqual(Array(2).fill('Waiting to send'));
    expect(await page.getByRole('list', { name: 'Conversations' }).getByText(two.username).count()).toBe(1);

    await context.setOffline(false);
    await expect
      .poll(() => storedBodies(two.client, conversationId), { timeout: 30_000 })
      .toEqual(['written before', 'queued one', 'queued two']);
    await expect.poll(() => page.getByTestId('pending-mark').count(), { timeout: 10_000 }).toBe(0);
    await page.waitForTimeout(1_000);
    expect(await storedBodies(two.client, conversationId)).toEqual([
      'written before',
      'queued one',
      'queued two',
    ]);
    await close();
  });

  it('opens from the service worker while the server is down, goes live when it is back, and forgets all on logout', async () => {
    const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'down');
    await two.client.messages.send.mutate({
      conversationId,
      body: 'before the outage',
      clientId: crypto.randomUUID(),
    });
    await Promise.all([one.client.$close(), two.client.$close()]);
    const { page } = await newPage();
    await logIn(page, e2e.server.url, one);
    await page.goto(`${e2e.server.url}/chats/${conversationId}`);
    await serviceWorkerInControl(page);
    await page.getByTestId('message-body').getByText('before the outage').waitFor();
    await expect.poll(() => keptEntries(page)).toBeGreaterThanOrEqual(2);

    await e2e.server.stop();
    try {
      await page.reload();
      await page.getByTestId('message-body').getByText('before the outage').waitFor({ timeout: 15_000 });
      await expect
        .poll(() => page.getByTestId('connection-banner').getAttribute('data-shown'))
        .toBe('reconnecting');
      await page.getByTestId('queued-note').waitFor();
    } finally {
      await e2e.server.start();
    }
    // The session comes back by itself (the cookie is tried again), and the app goes live.
    await page.locator('[data-connection="connected"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('connection-banner').getAttribute('data-shown')).toBe('back');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    await expect.poll(() => keptEntries(page)).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('pigeon.deviceUser'))).toBeNull();
    await close();
  });
});
