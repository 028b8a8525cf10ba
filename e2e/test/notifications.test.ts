import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { friendsWithConversation, logIn, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

/**
 * Records the notifications the page shows, and lets the test hide the tab: headless Chromium
 * never hides one by itself. The real Notification still runs; this only watches it.
 */
const WATCH = `
  window.__shown = [];
  window.__hidden = false;
  Object.defineProperty(document, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible') });
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.__shown.push({ title, body: options && options.body });
    }
  };
`;

const shown = (page: Page) =>
  page.evaluate(() => (window as unknown as { __shown: { title: string; body: string }[] }).__shown);
const hide = (page: Page, hidden: boolean) =>
  page.evaluate((h) => {
    (window as unknown as { __hidden: boolean }).__hidden = h;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);

it('notifies of messages while the tab is hidden, badges the title, and stays quiet when muted', async () => {
  const {
    one: me,
    two: friend,
    conversationId,
    close,
  } = await friendsWithConversation(e2e.server.url, 'note');
  const context = await e2e.browser.newContext();
  await context.grantPermissions(['notifications'], { origin: e2e.server.url });
  await context.addInitScript(WATCH);
  const page = await context.newPage();
  await logIn(page, e2e.server.url, me);
  await page.goto(`${e2e.server.url}/profile`);
  await page.getByText(/new messages notify you/).waitFor();
  await page.goto(`${e2e.server.url}/chats`);
  await page.getByRole('list', { name: 'Conversations' }).waitFor();

  const send = (body: string) =>
    friend.client.messages.send.mutate({ conversationId, body, clientId: randomUUID() });
  await send('seen in the open tab');
  await expect.poll(() => page.title(), { timeout: 10_000 }).toBe('(1) Pigeon');
  expect(await shown(page)).toEqual([]); // the tab is visible: no system notification

  await hide(page, true);
  await send('**hello** while you are away');
  await expect
    .poll(() => shown(page), { timeout: 10_000 })
    .toEqual([{ title: friend.username, body: 'hello while you are away' }]);
  await expect.poll(() => page.title()).toBe('(2) Pigeon');

  // Muted: no notification, and out of the title badge.
  await hide(page, false);
  await page.goto(`${e2e.server.url}/chats/${conversationId}`);
  await page.getByRole('button', { name: 'Conversation options' }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Mute' }).click();
  await page.getByTestId('muted').waitFor();
  await page.goto(`${e2e.server.url}/chats`);
  await hide(page, true);
  await send('muted now');
  await expect
    .poll(() => page.getByTestId('unread').first().textContent(), { timeout: 10_000 })
    .toBe('1 unread');
  expect(await page.title()).toBe('Pigeon');
  expect(await shown(page)).toEqual([]); // counted since this page loaded: nothing for the muted chat

  await context.close();
  await close();
});
