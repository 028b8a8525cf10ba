import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { friendsWithConversation, logIn, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

it('badges unread messages on every device, clears them on reading, and shows the writer “Seen”', async () => {
  const {
    one: writer,
    two: reader,
    conversationId,
    close,
  } = await friendsWithConversation(e2e.server.url, 'rr');
  const contexts = await Promise.all([
    e2e.browser.newContext(),
    e2e.browser.newContext(),
    e2e.browser.newContext(),
  ]);
  const [phone, laptop, writerPage] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!phone || !laptop || !writerPage) throw new Error('no pages');
  await logIn(phone, e2e.server.url, reader);
  await logIn(laptop, e2e.server.url, reader);
  await logIn(writerPage, e2e.server.url, writer);
  await writerPage.goto(`${e2e.server.url}/chats/${conversationId}`);

  for (const body of ['are you there?', 'hello?']) {
    await writer.client.messages.send.mutate({ conversationId, body, clientId: randomUUID() });
  }
  for (const page of [phone, laptop]) {
    await expect
      .poll(() => page.getByTestId('unread').first().textContent(), { timeout: 10_000 })
      .toBe('2 unread');
    await expect.poll(() => page.title()).toBe('(2) Pigeon');
  }

  // Reading on the phone clears the laptop's badge too.
  await phone.goto(`${e2e.server.url}/chats/${conversationId}`);
  await phone.getByTestId('message-body').filter({ hasText: 'hello?' }).waitFor();
  for (const page of [phone, laptop]) {
    await expect.poll(() => page.getByTestId('unread').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.title()).toBe('Pigeon');
  }

  // The writer's own last message shows "Seen" once the reader has read past it.
  await writerPage.getByLabel(`Message ${reader.username}`).fill('good, you are here');
  await writerPage.keyboard.press('Enter');
  await phone.getByTestId('message-body').filter({ hasText: 'good, you are here' }).waitFor();
  const lastBubble = writerPage.getByTestId('message').filter({ hasText: 'good, you are here' });
  await expect.poll(() => lastBubble.getByTestId('seen').count(), { timeout: 10_000 }).toBe(1);
  expect(await writerPage.getByTestId('seen').count()).toBe(1);

  // Receipts off: the writer no longer sees "Seen".
  await reader.client.settings.update.mutate({ sendReadReceipts: false });
  await writerPage.reload();
  await writerPage.getByTestId('message-body').filter({ hasText: 'good, you are here' }).waitFor();
  // The first render after a reload may come from the offline copy; the fresh answer replaces it.
  await expect.poll(() => writerPage.getByTestId('seen').count(), { timeout: 10_000 }).toBe(0);

  await Promise.all(contexts.map((c) => c.close()));
  await close();
});
