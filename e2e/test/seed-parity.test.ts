import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

const bodies = (page: Page) => page.getByTestId('message-body').allTextContents();

it('greets visitors with a landing page and sends logged-in people to their chats', async () => {
  const { one, close } = await friendsWithConversation(e2e.server.url, 'land');
  const context = await e2e.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${e2e.server.url}/`);
  await page.getByRole('heading', { name: 'Private one-to-one chat, on a server you run' }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL('**/register');
  await logIn(page, e2e.server.url, one);
  await page.goto(`${e2e.server.url}/`);
  await page.waitForURL('**/chats');
  await context.close();
  await close();
});

it('edits the profile, shows public cards, and deletes a conversation for one side only', async () => {
  const {
    one: me,
    two: friend,
    conversationId,
    close,
  } = await friendsWithConversation(e2e.server.url, 'prof');
  await friend.client.messages.send.mutate({ conversationId, body: 'old news', clientId: randomUUID() });
  const contexts = await Promise.all([e2e.browser.newContext(), e2e.browser.newContext()]);
  const [mine, theirs] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!mine || !theirs) throw new Error('no pages');
  mine.on('dialog', (dialog) => void dialog.accept());
  await logIn(mine, e2e.server.url, me);
  await logIn(theirs, e2e.server.url, friend);

  // Profile: name, email, member since; a bad email is explained; a new name shows everywhere.
  await mine.getByTestId('me').click();
  await mine.waitForURL('**/profile');
  expect(await mine.getByLabel('Email').inputValue()).toBe(me.email);
  expect(await seriousViolations(mine)).toEqual([]);
  await mine.getByLabel('Email').fill('nope');
  await mine.getByRole('button', { name: 'Save changes' }).click();
  await mine.getByText('That does not look like an email address.').waitFor();
  const newName = `renamed_${randomUUID().slice(0, 6)}`;
  await mine.getByLabel('Email').fill(me.email);
  await mine.getByLabel('Username', { exact: true }).fill(newName);
  await mine.getByRole('button', { name: 'Save changes' }).click();
  await mine.getByRole('status').getByText('Saved.').waitFor();
  await expect.poll(() => mine.getByTestId('me').textContent()).toBe(newName);
  await theirs.goto(`${e2e.server.url}/people`);
  await theirs
    .getByRole('list', { name: 'Friends', exact: true })
    .getByText(newName)
    .waitFor({ timeout: 10_000 });

  // Public card, reached from the friends list: the standing and the way to talk.
  await theirs.getByRole('link', { name: newName }).click();
  await theirs.getByTestId('relationship').getByText('You are friends.').waitFor();
  await theirs.getByRole('button', { name: 'Message' }).click();
  await theirs.waitForURL(`**/chats/${conversationId}`);

  // Delete for me: gone from my list; the friend keeps it all; a new message brings it back alone.
  await mine.goto(`${e2e.server.url}/chats/${conversationId}`);
  await mine.getByTestId('message-body').getByText('old news').waitFor();
  await mine.getByRole('button', { name: 'Conversation options' }).click();
  await mine.getByRole('menuitem', { name: 'Delete for me' }).click();
  await mine.waitForURL(/\/chats$/);
  await expect.poll(() => mine.getByRole('list', { name: 'Conversations' }).count()).toBe(0);
  expect(await bodies(theirs)).toEqual(['old news']);
  await friend.client.messages.send.mutate({ conversationId, body: 'fresh start', clientId: randomUUID() });
  await mine.getByRole('link', { name: new RegExp(friend.username) }).click();
  await expect.poll(() => bodies(mine), { timeout: 10_000 }).toEqual(['fresh start']);

  // Log out from the profile page: back to the landing page.
  await mine.goto(`${e2e.server.url}/profile`);
  await mine.getByRole('region', { name: 'Session' }).getByRole('button', { name: 'Log out' }).click();
  await mine.getByRole('link', { name: 'Create an account' }).waitFor();

  await Promise.all(contexts.map((c) => c.close()));
  await close();
});

it('shows times in the viewer’s own time zone', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'tz');
  const sent = await two.client.messages.send.mutate({
    conversationId,
    body: 'what time is it?',
    clientId: randomUUID(),
  });
  for (const timezoneId of ['Asia/Tokyo', 'America/New_York']) {
    const context = await e2e.browser.newContext({ timezoneId, locale: 'en-US' });
    const page = await context.newPage();
    await logIn(page, e2e.server.url, one);
    await page.goto(`${e2e.server.url}/chats/${conversationId}`);
    const time = page.getByTestId('message').getByRole('time').first();
    await time.waitFor();
    const expected = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: timezoneId,
    }).format(new Date(sent.createdAt));
    expect(await time.getAttribute('datetime')).toBe(sent.createdAt);
    expect(await time.getAttribute('title')).toBe(expected);
    await context.close();
  }
  await close();
});
