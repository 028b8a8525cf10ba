// Issue 13, "Identity" and "Signals people rely on": display names, initials avatars, the profile
// one tap away, and badges in the navigation for friend requests and unread chats.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { createPigeonClient } from '@pigeon/client';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  friendsWithConversation,
  logIn,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const chatList = (page: Page) => page.getByRole('list', { name: 'Conversations' });

/** Someone new, registered through the client, who asks `userId` to be friends. */
async function strangerAsks(baseUrl: string, userId: string) {
  const tag = randomUUID().slice(0, 6);
  const client = createPigeonClient({ url: baseUrl, WebSocket });
  await client.auth.register.mutate({
    username: `asker_${tag}`,
    email: `asker_${tag}@example.com`,
    password: 'asker password',
  });
  await client.friends.request.mutate({ userId });
  return client;
}

it('a display name set on the profile shows to a friend live and after a reload, with an initials avatar', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'idn');
  await one.client.messages.send.mutate({ conversationId, body: 'hello there', clientId: randomUUID() });
  // Pages of their own contexts: axe opens a page next to the one it checks.
  const mineContext = await e2e.browser.newContext();
  const theirsContext = await e2e.browser.newContext();
  const mine = await mineContext.newPage();
  const theirs = await theirsContext.newPage();
  try {
    await logIn(mine, e2e.server.url, one);
    await logIn(theirs, e2e.server.url, two);
    await chatList(theirs).getByRole('link').filter({ hasText: one.username }).waitFor();

    // The profile is one click away, from the avatar and name in the navigation.
    await mine.getByRole('link', { name: `${one.username}, your profile` }).click();
    await mine.getByLabel('Display name').fill('  Ada Quill ');
    await mine.getByRole('button', { name: 'Save changes' }).click();
    await mine.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await mine.getByRole('link', { name: 'Ada Quill, your profile' }).waitFor();
    expect(await mine.getByTestId('me').getByTestId('avatar').getAttribute('data-initials')).toBe('AQ');
    for (const scheme of ['light', 'dark'] as const) {
      await mine.emulateMedia({ colorScheme: scheme });
      expect(await seriousViolations(mine)).toEqual([]);
    }

    // The friend's chat list follows live: the display name, and the avatar's initials with it.
    const row = chatList(theirs).getByRole('link').filter({ hasText: 'Ada Quill' });
    await row.waitFor();
    expect(await row.getByTestId('avatar').getAttribute('data-initials')).toBe('AQ');
    await row.click();
    const header = theirs.getByTestId('conversation-title');
    await expect.poll(() => header.textContent()).toContain('Ada Quill');
    await theirs.getByText(`@${one.username}`).waitFor();

    await theirs.reload();
    await expect.poll(() => theirs.getByTestId('conversation-title').textContent()).toContain('Ada Quill');
    await chatList(theirs).getByRole('link').filter({ hasText: 'Ada Quill' }).waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await theirs.emulateMedia({ colorScheme: scheme });
      expect(await seriousViolations(theirs)).toEqual([]);
    }

    // Their card shows it too, the username beside it; clearing it brings the username back.
    await theirs.goto(`${e2e.server.url}/people/${one.id}`);
    await theirs.getByRole('heading', { name: 'Ada Quill' }).waitFor();
    await theirs.getByText(`@${one.username}`).waitFor();
    // People search finds them by the start of the display name, in any case.
    await theirs.goto(`${e2e.server.url}/people`);
    await theirs.getByLabel('Search by username or name').fill('ada q');
    const found = theirs.getByRole('list', { name: 'Search results' }).getByRole('listitem');
    await found
      .filter({ hasText: 'Ada Quill' })
      .filter({ hasText: `@${one.username}` })
      .waitFor();

    await one.client.auth.updateProfile.mutate({ displayName: null });
    await theirs.goto(`${e2e.server.url}/chats`);
    await chatList(theirs).getByRole('link').filter({ hasText: one.username }).waitFor();
  } finally {
    await mineContext.close();
    await theirsContext.close();
    await close();
  }
});

it('badges People when a friend request arrives on Chats, and Chats when a message arrives on People', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'bdg');
  const context = await e2e.browser.newContext();
  const page = await context.newPage();
  try {
    await logIn(page, e2e.server.url, one);
    expect(await page.getByTestId('people-badge').count()).toBe(0);
    expect(await page.getByTestId('chats-badge').count()).toBe(0);

    const asker = await strangerAsks(e2e.server.url, one.id);
    await nav(page).getByRole('link', { name: 'People 1 friend request' }).waitFor();
    expect(await page.getByTestId('people-badge').textContent()).toContain('1');
    expect(await seriousViolations(page)).toEqual([]);

    await nav(page)
      .getByRole('link', { name: /^People/ })
      .click();
    await page.getByRole('button', { name: /^Accept asker_/ }).click();
    await page.getByTestId('people-badge').waitFor({ state: 'detached' });

    await two.client.messages.send.mutate({
      conversationId,
      body: 'while you were away',
      clientId: randomUUID(),
    });
    await nav(page).getByRole('link', { name: 'Chats 1 unread chat' }).waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousViolations(page)).toEqual([]);

    await nav(page)
      .getByRole('link', { name: /^Chats/ })
      .click();
    await chatList(page).getByRole('link').filter({ hasText: two.username }).click();
    await page.getByTestId('message-body').filter({ hasText: 'while you were away' }).waitFor();
    await page.getByTestId('chats-badge').waitFor({ state: 'detached' });
    await asker.$close();
  } finally {
    await context.close();
    await close();
  }
});

it('on a phone the badges sit in the one-row navigation, and the avatar opens the profile', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'bph');
  const context = await e2e.browser.newContext(PHONE);
  const page = await context.newPage();
  try {
    await logIn(page, e2e.server.url, one);
    await nav(page)
      .getByRole('link', { name: /^People/ })
      .tap();
    await page.waitForURL('**/people');

    await two.client.messages.send.mutate({ conversationId, body: 'on the phone', clientId: randomUUID() });
    const chats = nav(page).getByRole('link', { name: 'Chats 1 unread chat' });
    await chats.waitFor();
    const asker = await strangerAsks(e2e.server.url, one.id);
    await nav(page).getByRole('link', { name: 'People 1 friend request' }).waitFor();

    // Still one row, nothing spilling sideways, the badge inside the visible link.
    const tops = await Promise.all(
      [chats, nav(page).getByRole('link', { name: /^People/ }), page.getByTestId('me')].map(
        async (l) => (await l.boundingBox())?.y,
      ),
    );
    expect(new Set(tops).size).toBe(1);
    expect(await page.getByTestId('chats-badge').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await seriousViolations(page)).toEqual([]);
    }

    await chats.tap();
    await chatList(page).getByRole('link').filter({ hasText: two.username }).tap();
    await page.getByTestId('message-body').filter({ hasText: 'on the phone' }).waitFor();
    await page.getByRole('link', { name: 'Back to chats' }).tap();
    await page.getByTestId('chats-badge').waitFor({ state: 'detached' });

    await page.getByRole('link', { name: `${one.username}, your profile` }).tap();
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    await asker.$close();
  } finally {
    await context.close();
    await close();
  }
});
