import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { friendsWithConversation, logIn, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

/** The message whose own text (not a quote of it) contains `text`. */
const bubble = (page: Page, text: string) =>
  page.getByTestId('message').filter({ has: page.getByTestId('message-body').filter({ hasText: text }) });

async function act(page: Page, text: string, action: string) {
  const message = bubble(page, text);
  await message.hover();
  await message
    .getByRole('toolbar', { name: 'Message actions' })
    .getByRole('button', { name: action })
    .click();
}

it('replies, edits, reacts and deletes, live on both sides', async () => {
  const {
    one: writer,
    two: reader,
    conversationId,
    close,
  } = await friendsWithConversation(e2e.server.url, 'act');
  const contexts = await Promise.all([e2e.browser.newContext(), e2e.browser.newContext()]);
  const [w, r] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!w || !r) throw new Error('no pages');
  w.on('dialog', (dialog) => void dialog.accept());
  await logIn(w, e2e.server.url, writer);
  await logIn(r, e2e.server.url, reader);
  await w.goto(`${e2e.server.url}/chats/${conversationId}`);
  await r.goto(`${e2e.server.url}/chats/${conversationId}`);

  const writerBox = w.getByLabel(`Message ${reader.username}`);
  await writerBox.fill('the original');
  await writerBox.press('Enter');
  await bubble(r, 'the original').waitFor();

  // Reply: the answer quotes the original on both sides.
  await act(r, 'the original', 'Reply');
  expect(await r.getByTestId('composer-context').textContent()).toContain(`Replying to ${writer.username}`);
  const readerBox = r.getByLabel(`Message ${writer.username}`);
  await readerBox.fill('my answer');
  await readerBox.press('Enter');
  for (const page of [r, w]) {
    const quote = bubble(page, 'my answer').getByTestId('reply-quote');
    await expect.poll(() => quote.textContent(), { timeout: 10_000 }).toContain('the original');
  }

  // Edit: the composer starts from the old text; both sides see the new one, marked edited.
  await act(w, 'the original', 'Edit');
  expect(await writerBox.inputValue()).toBe('the original');
  await writerBox.fill('the corrected original');
  await writerBox.press('Enter');
  for (const page of [w, r]) {
    await expect
      .poll(() => bubble(page, 'the corrected original').getByTestId('edited').count(), { timeout: 10_000 })
      .toBe(1);
  }

  // React: the reader's 👍 shows as a chip with a count for the writer.
  await act(r, 'the corrected original', 'React 👍');
  await expect
    .poll(() => bubble(w, 'the corrected original').getByTestId('reactions').textContent(), {
      timeout: 10_000,
    })
    .toContain('👍 1');

  // Delete: a placeholder on both sides, and the reply's quote says so.
  await act(w, 'the corrected original', 'Delete');
  for (const page of [w, r]) {
    await page.getByText('This message was deleted.').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => bubble(page, 'my answer').getByTestId('reply-quote').textContent())
      .toContain('deleted message');
  }
  expect(await r.getByText('the corrected original').count()).toBe(0);

  await Promise.all(contexts.map((c) => c.close()));
  await close();
});
