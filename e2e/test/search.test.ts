import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

it('finds a message with a highlighted snippet and opens it in context, far back in history', async () => {
  const {
    one: me,
    two: friend,
    conversationId,
    close,
  } = await friendsWithConversation(e2e.server.url, 'find');
  const word = `walrus${randomUUID().slice(0, 5)}`;
  await friend.client.messages.send.mutate({
    conversationId,
    body: `an old note about the ${word}`,
    clientId: randomUUID(),
  });
  // Enough newer messages that the found one is not in the first page of history.
  for (let i = 0; i < 120; i++) {
    await friend.client.messages.send.mutate({ conversationId, body: `filler ${i}`, clientId: randomUUID() });
  }
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await logIn(page, e2e.server.url, me);
  await page.getByRole('link', { name: 'Search' }).click();
  // As typed: the start of the word is enough, and the whole word is highlighted.
  await page.getByLabel('Search your messages').fill(word.slice(0, -2));
  const result = page.getByRole('list', { name: 'Search results' }).getByRole('link');
  await result.first().waitFor({ timeout: 10_000 });
  expect(await result.count()).toBe(1);
  expect(await result.locator('mark').textContent()).toBe(word);
  expect(await seriousViolations(page)).toEqual([]);
  // Narrowed to what I sent myself: the friend's message drops out; back to anyone, it returns.
  await page.getByLabel('From').selectOption({ label: 'Me' });
  await page.getByText('No messages match.').waitFor({ timeout: 10_000 });
  await page.getByLabel('From').selectOption({ label: friend.username });
  await result.first().waitFor({ timeout: 10_000 });
  expect(await result.count()).toBe(1);

  await result.first().click();
  const focused = page.locator('[data-testid="message"][data-focused]');
  await focused.waitFor({ timeout: 15_000 });
  expect(await focused.getByTestId('message-body').textContent()).toContain(word);
  await expect.poll(() => focused.isVisible()).toBe(true);

  await context.close();
  await close();
});

it('comes back to a linked message after logging in', async () => {
  const {
    one: me,
    two: friend,
    conversationId,
    close,
  } = await friendsWithConversation(e2e.server.url, 'deep');
  const wanted = await friend.client.messages.send.mutate({
    conversationId,
    body: 'the message the link points at',
    clientId: randomUUID(),
  });
  for (let i = 0; i < 80; i++) {
    await friend.client.messages.send.mutate({ conversationId, body: `later ${i}`, clientId: randomUUID() });
  }
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // Logged out, the link leads to the start page; logging in leads back to it.
  await page.goto(`${e2e.server.url}/chats/${conversationId}?message=${wanted.id}`);
  await page.getByRole('link', { name: 'Log in' }).first().click();
  await page.getByLabel('Username').fill(me.username);
  await page.getByLabel('Password').fill(me.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`**/chats/${conversationId}?message=${wanted.id}`, { timeout: 15_000 });
  const focused = page.locator('[data-testid="message"][data-focused]');
  await focused.waitFor({ timeout: 15_000 });
  expect(await focused.getByTestId('message-body').textContent()).toContain('the message the link points at');
  await context.close();
  await close();
});
