import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { friendsWithConversation, logIn, webServerAndBrowserForFile } from '../src/browser';

// Short, so a closed tab's connection runs out within the test.
const presence = { ttlMs: 6_000, sweepMs: 500 };

const e2e = webServerAndBrowserForFile({ presence });

/** What the page's code sees when the tab goes to the background. */
function hideTab(page: Page) {
  return page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

async function watch(baseUrl: string, prefix: string) {
  const pair = await friendsWithConversation(baseUrl, prefix);
  const contexts = await Promise.all([e2e.browser.newContext(), e2e.browser.newContext()]);
  const [seen, watcher] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!seen || !watcher) throw new Error('no pages');
  await logIn(watcher, baseUrl, pair.two);
  await watcher.goto(`${baseUrl}/chats/${pair.conversationId}`);
  await watcher.getByLabel(`Message ${pair.one.username}`).waitFor();
  // Presence signals are not replayed: the watcher's stream must be up first.
  await expect
    .poll(() => watcher.locator('[data-connection]').getAttribute('data-connection'), { timeout: 15_000 })
    .toBe('connected');
  const header = watcher.locator('header').filter({ has: watcher.getByRole('heading', { level: 2 }) });
  return {
    ...pair,
    seen,
    seenContext: contexts[0],
    watcher,
    dot: () => header.getByTestId('presence-dot').getAttribute('data-status'),
    listDot: () =>
      watcher
        .getByRole('list', { name: 'Conversations' })
        .getByTestId('presence-dot')
        .getAttribute('data-status'),
    line: () => header.getByTestId('presence-line').textContent(),
    closeAll: async () => {
      await Promise.all(contexts.map((c) => c.close()));
      await pair.close();
    },
  };
}

it('shows a friend online, away when their tab is hidden, then offline with “last seen” once it closes', async () => {
  const w = await watch(e2e.server.url, 'presence');
  expect(await w.dot()).toBe('offline');
  expect(await w.line()).toBe('');

  await logIn(w.seen, e2e.server.url, w.one);
  await expect.poll(w.dot, { timeout: 10_000 }).toBe('online');
  expect(await w.listDot()).toBe('online');
  expect(await w.line()).toBe('online');

  await hideTab(w.seen);
  await expect.poll(w.dot, { timeout: 10_000 }).toBe('away');
  expect(await w.line()).toBe('away');

  // Closing: its goodbye on pagehide tells, or failing that its expiry. Nothing may bring it
  // back afterwards (a closing page still fires "hidden" after "pagehide"): the People page
  // below reads the server's list afresh.
  await w.seenContext.close();
  // (An away connection lives four times the TTL, should the goodbye not get out.)
  await expect.poll(w.dot, { timeout: 4 * presence.ttlMs + 10_000 }).toBe('offline');
  expect(await w.line()).toBe('last seen just now');
  expect(await w.listDot()).toBe('offline');

  await w.watcher.goto(`${e2e.server.url}/people`);
  const friends = w.watcher.getByRole('list', { name: 'Friends' });
  await friends.getByText(w.one.username).waitFor();
  expect(await friends.getByTestId('presence-dot').getAttribute('data-status')).toBe('offline');
  await w.closeAll();
});

it('hides presence from the profile page: friends see offline at once, with no last seen', async () => {
  const w = await watch(e2e.server.url, 'hiding');
  await logIn(w.seen, e2e.server.url, w.one);
  await w.seen.goto(`${e2e.server.url}/profile`);
  await expect.poll(w.dot, { timeout: 10_000 }).toBe('online');

  const toggle = w.seen.getByLabel('Show my presence');
  expect(await toggle.isChecked()).toBe(true);
  // A controlled box: it shows the new state once the server has it, so click and wait.
  await toggle.click();
  await expect.poll(() => toggle.isChecked(), { timeout: 5_000 }).toBe(false);
  await expect.poll(w.dot, { timeout: 5_000 }).toBe('offline');
  expect(await w.line()).toBe('');
  // It holds after a reload of the watcher, and the setting stays off.
  await w.watcher.reload();
  await w.watcher.getByLabel(`Message ${w.one.username}`).waitFor();
  await expect.poll(w.dot, { timeout: 5_000 }).toBe('offline');
  await w.seen.reload();
  await expect.poll(() => toggle.isChecked(), { timeout: 5_000 }).toBe(false);
  await expect.poll(() => toggle.isDisabled(), { timeout: 5_000 }).toBe(false);

  await toggle.click();
  await expect.poll(w.dot, { timeout: 10_000 }).toBe('online');
  await w.closeAll();
});

it('logging out says goodbye: friends see offline at once, not when the heartbeat expires', async () => {
  const w = await watch(e2e.server.url, 'leaving');
  await logIn(w.seen, e2e.server.url, w.one);
  await expect.poll(w.dot, { timeout: 10_000 }).toBe('online');
  await w.seen.getByRole('button', { name: 'Log out' }).click();
  await w.seen.waitForURL(`${e2e.server.url}/`);
  // Well inside the 6 s expiry, even counting from the last heartbeat (every 2 s here).
  await expect.poll(w.dot, { timeout: 3_000 }).toBe('offline');
  expect(await w.line()).toBe('last seen just now');
  await w.closeAll();
});
