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
  await page.getByLabel('Search your messages').fill(word);
  const result = page.getByRole('list', { name: 'Search results' }).getByRole('link');
  await result.first().waitFor({ timeout: 10_000 });
  expect(await result.count()).toBe(1);
  expect(await result.locator('mark').textContent()).toBe(word);
  expect(await seriousViolations(page)).toEqual([]);

  await result.first().click();
  const focused = page.locator('[data-testid="message"][data-focused]');
  await focused.waitFor({ timeout: 15_000 });
  expect(await focused.getByTestId('message-body').textContent()).toContain(word);
  await expect.poll(() => focused.isVisible()).toBe(true);

  await context.close();
  await close();
});
