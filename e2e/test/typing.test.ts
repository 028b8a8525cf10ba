import { TYPING_TTL_MS } from '@pigeon/schema';
import { expect, it } from 'vitest';
import { friendsWithConversation, logIn, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

it('shows “is typing…” to the other person, clears it when the message lands, and lets it expire', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'typing');
  const contexts = await Promise.all([e2e.browser.newContext(), e2e.browser.newContext()]);
  const [typist, watcher] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!typist || !watcher) throw new Error('no pages');
  await logIn(typist, e2e.server.url, one);
  await logIn(watcher, e2e.server.url, two);
  await typist.goto(`${e2e.server.url}/chats/${conversationId}`);
  await watcher.goto(`${e2e.server.url}/chats/${conversationId}`);
  const indicator = watcher.getByTestId('typing');
  const box = typist.getByLabel(`Message ${two.username}`);
  await box.waitFor();
  await watcher.getByLabel(`Message ${one.username}`).waitFor();
  // Typing signals are not replayed: the watcher's stream must be up before anyone types.
  await expect
    .poll(() => watcher.locator('[data-connection]').getAttribute('data-connection'), { timeout: 15_000 })
    .toBe('connected');
  await box.pressSequentially('hello the');
  await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe(`${one.username} is typing…`);
  await box.press('Enter');
  await watcher.getByTestId('message-body').filter({ hasText: 'hello the' }).waitFor();
  await expect.poll(() => indicator.textContent(), { timeout: 2_000 }).toBe('');

  // Typing, then nothing: the line clears by itself once the signal runs out.
  await box.pressSequentially('wait');
  await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe(`${one.username} is typing…`);
  const shownAt = Date.now();
  await expect.poll(() => indicator.textContent(), { timeout: TYPING_TTL_MS + 5_000 }).toBe('');
  expect(Date.now() - shownAt).toBeGreaterThan(TYPING_TTL_MS / 2);
  // The typist never sees their own indicator.
  expect(await typist.getByTestId('typing').textContent()).toBe('');

  await Promise.all(contexts.map((c) => c.close()));
  await close();
});
