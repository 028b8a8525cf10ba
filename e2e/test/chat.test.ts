import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshots, seriousViolations, webServerAndBrowserForFile } from '../src/browser';

const suffix = Math.random().toString(36).slice(2, 7);
const alice = { username: `alice_${suffix}`, password: 'alice password 1' };
const bob = { username: `bob_${suffix}`, password: 'bob password 12' };

const e2e = webServerAndBrowserForFile();
let aliceContext: BrowserContext;
let bobContext: BrowserContext;
let a: Page;
let b: Page;

async function register(page: Page, user: { username: string; password: string }) {
  await page.goto(`${e2e.server.url}/register`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Email').fill(`${user.username}@example.com`);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/chats');
}

/** The message bodies a page shows, in order. */
function bodies(page: Page) {
  return page.getByTestId('message-body').allTextContents();
}

async function waitForBodies(page: Page, expected: string[]) {
  await expect.poll(() => bodies(page), { timeout: 15_000 }).toEqual(expected);
}

beforeAll(async () => {
  aliceContext = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  bobContext = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  a = await aliceContext.newPage();
  b = await bobContext.newPage();
});

describe('two people chatting in Chromium', () => {
  it('shows field errors from the shared schemas before sending anything', async () => {
    await a.goto(`${e2e.server.url}/register`);
    await a.getByLabel('Username').fill('x');
    await a.getByLabel('Email').fill('not-an-email');
    await a.getByLabel('Password').fill('short');
    await a.getByRole('button', { name: 'Create account' }).click();
    await a.getByText('Username must be at least 3 characters.').waitFor();
    await a.getByText('That does not look like an email address.').waitFor();
    await a.getByText('Password must be at least 8 characters.').waitFor();
    expect(await a.getByLabel('Username').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(a)).toEqual([]);
  });

  it('signs up, finds, befriends and chats live both ways', async () => {
    await register(a, alice);
    await register(b, bob);
    await b.getByText('No conversations yet').waitFor();

    await b.getByRole('link', { name: 'People' }).click();
    await b.getByLabel('Search by username').fill(alice.username.slice(0, 9));
    await b
      .getByRole('list', { name: 'Search results' })
      .getByRole('button', { name: `Add friend ${alice.username}` })
      .click();
    await b.getByText('Waiting for an answer').waitFor();

    // Alice is already on her People page: the request arrives live, no reload.
    await a.getByRole('link', { name: 'People' }).click();
    await a.getByRole('button', { name: `Accept ${bob.username}` }).click();
    await a.getByRole('list', { name: 'Friends' }).getByText(bob.username).waitFor();
    await b.getByRole('list', { name: 'Friends' }).getByText(alice.username).waitFor();
    expect(await seriousViolations(b)).toEqual([]);

    await b
      .getByRole('list', { name: 'Friends' })
      .getByRole('button', { name: `Message ${alice.username}` })
      .click();
    await b.waitForURL('**/chats/*');
    const composer = b.getByRole('textbox', { name: `Message ${alice.username}` });
    await composer.fill('hi alice');
    await composer.press('Enter');
    await waitForBodies(b, ['hi alice']);
    // Shift+Enter makes a new line instead of sending.
    await composer.fill('line one');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('line two');
    expect(await composer.inputValue()).toBe('line one\nline two');
    await composer.press('Enter');
    await waitForBodies(b, ['hi alice', 'line one\nline two']);

    await a.getByRole('link', { name: 'Chats' }).click();
    await a.getByRole('list', { name: 'Conversations' }).getByText(bob.username).click();
    await waitForBodies(a, ['hi alice', 'line one\nline two']);
    await a.getByRole('textbox', { name: `Message ${bob.username}` }).fill('hello bob');
    await a.getByRole('textbox', { name: `Message ${bob.username}` }).press('Enter');
    await waitForBodies(b, ['hi alice', 'line one\nline two', 'hello bob']);
    await expect.poll(() => b.getByTestId('message').last().getAttribute('data-state')).toBe('sent');
    expect(await seriousViolations(a)).toEqual([]);
  });

  it('keeps the session and the history across a reload, with no refresh token visible to scripts', async () => {
    await a.reload();
    await waitForBodies(a, ['hi alice', 'line one\nline two', 'hello bob']);
    expect(await a.getByTestId('me').textContent()).toBe(alice.username);
    const visible = await a.evaluate(() => ({
      cookies: document.cookie,
      local: JSON.parse(JSON.stringify(localStorage)) as Record<string, string>,
      session: JSON.stringify(sessionStorage),
    }));
    // Only the id of the account whose offline copy this device keeps (docs/offline.md): no token.
    expect(visible).toEqual({
      cookies: '',
      local: { 'pigeon.deviceUser': expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown },
      session: '{}',
    });
  });

  it('recovers from a server restart with every message exactly once on both sides', async () => {
    await e2e.server.stop();
    await expect
      .poll(() => a.locator('[data-connection]').getAttribute('data-connection'), { timeout: 15_000 })
      .not.toBe('connected');
    // A send while the server is down shows at once and waits (queued, not failed).
    const aliceComposer = a.getByRole('textbox', { name: `Message ${bob.username}` });
    await aliceComposer.fill('sent while down');
    await aliceComposer.press('Enter');
    await a.getByTestId('pending-mark').getByText('Waiting to send').waitFor({ timeout: 15_000 });
    await e2e.server.start();
    for (const page of [a, b]) {
      await expect
        .poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 30_000 })
        .toBe('connected');
    }
    await a.getByRole('textbox', { name: `Message ${bob.username}` }).fill('after restart from alice');
    await a.getByRole('textbox', { name: `Message ${bob.username}` }).press('Enter');
    await b.getByRole('textbox', { name: `Message ${alice.username}` }).fill('after restart from bob');
    await b.getByRole('textbox', { name: `Message ${alice.username}` }).press('Enter');
    const all = [
      'hi alice',
      'line one\nline two',
      'hello bob',
      'sent while down',
      'after restart from alice',
      'after restart from bob',
    ];
    for (const page of [a, b]) {
      await expect
        .poll(async () => [...(await bodies(page))].sort(), { timeout: 15_000 })
        .toEqual([...all].sort());
    }
    // After a reload, the order is the server's and nothing is doubled.
    await b.reload();
    await expect.poll(async () => (await bodies(b)).length, { timeout: 15_000 }).toBe(all.length);
  });

  it('saves screenshots of the main screens, light and dark, desktop and phone', async () => {
    mkdirSync(screenshots, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      for (const [device, viewport] of [
        ['desktop', { width: 1280, height: 800 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        await a.emulateMedia({ colorScheme: scheme });
        await a.setViewportSize(viewport);
        await a.getByRole('link', { name: 'Chats' }).click();
        if (device === 'desktop')
          await a.getByRole('list', { name: 'Conversations' }).getByText(bob.username).click();
        await a.waitForTimeout(200);
        await a.screenshot({ path: `${screenshots}chat-${device}-${scheme}.png` });
        await a.getByRole('link', { name: 'People' }).click();
        await a.getByRole('list', { name: 'Friends' }).getByText(bob.username).waitFor();
        await a.screenshot({ path: `${screenshots}people-${device}-${scheme}.png` });
        expect(await seriousViolations(a)).toEqual([]);
      }
    }
    const visitorContext = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const visitor = await visitorContext.newPage();
    for (const scheme of ['light', 'dark'] as const) {
      await visitor.emulateMedia({ colorScheme: scheme });
      await visitor.goto(`${e2e.server.url}/login`);
      await visitor.getByRole('button', { name: 'Log in' }).waitFor();
      await visitor.screenshot({ path: `${screenshots}login-desktop-${scheme}.png` });
      expect(await seriousViolations(visitor)).toEqual([]);
    }
    await visitorContext.close();
  });
});
