import { randomUUID } from 'node:crypto';
import { createPigeonClient } from '@pigeon/client';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { friendsWithConversation, logIn, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

const list = (page: Page, name: string) => page.getByRole('list', { name, exact: true });

it('cancels a sent request, unfriends, blocks and unblocks, live on the other side', async () => {
  const { one: me, two: friend, close } = await friendsWithConversation(e2e.server.url, 'fm');
  const other = createPigeonClient({ url: e2e.server.url, WebSocket });
  const strangerName = `fm_s_${randomUUID().slice(0, 6)}`;
  const stranger = {
    username: strangerName,
    email: `${strangerName}@example.com`,
    password: 'stranger password',
  };
  const { user: strangerUser } = await other.auth.register.mutate(stranger);
  await me.client.friends.request.mutate({ userId: strangerUser.id });

  const contexts = await Promise.all([
    e2e.browser.newContext(),
    e2e.browser.newContext(),
    e2e.browser.newContext(),
  ]);
  const [mine, theirs, strangers] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!mine || !theirs || !strangers) throw new Error('no pages');
  mine.on('dialog', (dialog) => void dialog.accept());
  await logIn(mine, e2e.server.url, me);
  await logIn(theirs, e2e.server.url, friend);
  await logIn(strangers, e2e.server.url, stranger);
  for (const page of [mine, theirs, strangers]) await page.goto(`${e2e.server.url}/people`);

  // Cancel: the stranger's incoming request disappears without a reload.
  await list(strangers, 'Incoming requests').getByText(me.username).waitFor();
  await mine.getByRole('button', { name: `Cancel the request to ${stranger.username}` }).click();
  await expect
    .poll(() => list(strangers, 'Incoming requests').getByText(me.username).count(), { timeout: 10_000 })
    .toBe(0);

  // Block a friend: the friendship ends on both sides, and they can no longer find me.
  await mine.getByRole('button', { name: `Block ${friend.username}` }).click();
  await list(mine, 'Blocked people').getByText(friend.username).waitFor();
  await expect
    .poll(() => list(theirs, 'Friends').getByText(me.username).count(), { timeout: 10_000 })
    .toBe(0);
  await theirs.getByLabel('Search by username').fill(me.username);
  await theirs.getByText('Nobody by that name.').waitFor();

  // Unblock, befriend again, then unfriend.
  await mine.getByRole('button', { name: `Unblock ${friend.username}` }).click();
  await expect.poll(() => mine.getByRole('list', { name: 'Blocked people' }).count()).toBe(0);
  await friend.client.friends.request.mutate({ userId: me.id });
  await mine.getByRole('button', { name: `Accept ${friend.username}` }).click();
  await list(theirs, 'Friends').getByText(me.username).waitFor({ timeout: 10_000 });
  await mine.getByRole('button', { name: `Unfriend ${friend.username}` }).click();
  await expect
    .poll(() => list(theirs, 'Friends').getByText(me.username).count(), { timeout: 10_000 })
    .toBe(0);

  await Promise.all(contexts.map((c) => c.close()));
  await Promise.all([close(), other.$close()]);
});
