import { randomUUID } from 'node:crypto';
import { createPigeonClient } from '@pigeon/client';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { webServerAndBrowserForFile } from '../src/browser';

const TOTAL = 240;
const e2e = webServerAndBrowserForFile();

it('keeps a long conversation virtualized and pages older history in as you scroll up', async () => {
  // Made through the typed client, as a bot would.
  const tag = randomUUID().slice(0, 6);
  const reader = {
    username: `reader_${tag}`,
    email: `reader_${tag}@example.com`,
    password: 'reader password',
  };
  const writer = createPigeonClient({ url: e2e.server.url, WebSocket });
  const me = createPigeonClient({ url: e2e.server.url, WebSocket });
  const { user: writerUser } = await writer.auth.register.mutate({
    username: `writer_${tag}`,
    email: `writer_${tag}@example.com`,
    password: 'writer password',
  });
  await me.auth.register.mutate(reader);
  const { request } = await me.friends.request.mutate({ userId: writerUser.id });
  await writer.friends.accept.mutate({ requestId: request.id });
  const conversation = await writer.conversations.open.mutate({ userId: request.from.id });
  for (let i = 0; i < TOTAL; i++) {
    await writer.messages.send.mutate({
      conversationId: conversation.id,
      body: `message ${i}`,
      clientId: randomUUID(),
    });
  }

  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${e2e.server.url}/login`);
  await page.getByLabel('Username').fill(reader.username);
  await page.getByLabel('Password').fill(reader.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/chats');
  await page.goto(`${e2e.server.url}/chats/${conversation.id}`);

  // Opens at the newest message, with only a window of rows in the DOM.
  const log = page.getByRole('log', { name: 'Messages' });
  await log.getByText(`message ${TOTAL - 1}`, { exact: true }).waitFor();
  const rendered = await page.getByTestId('message').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(60);

  // Scrolling up loads older pages until the start; the row being read stays on screen.
  /** The text of the message at the top of the visible area, and whether a given one is in view. */
  const topRow = () =>
    log.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + 60);
      return (
        hit?.closest('[data-testid="message"]')?.querySelector('[data-testid="message-body"]')?.textContent ??
        null
      );
    });
  const inView = (text: string) =>
    log.evaluate((el, wanted) => {
      const box = el.getBoundingClientRect();
      return [...el.querySelectorAll('[data-testid="message-body"]')].some((node) => {
        const r = node.getBoundingClientRect();
        return node.textContent === wanted && r.bottom > box.top && r.top < box.bottom;
      });
    }, text);
  let pagesLoaded = 0;
  while (!(await page.getByText('Start of the conversation').isVisible())) {
    // Just above the loading threshold: nothing loads yet. Note the row in view.
    await log.evaluate((el) => el.scrollTo({ top: 400 }));
    await page.waitForTimeout(100);
    const anchor = await topRow();
    expect(anchor).toMatch(/^message \d+$/);
    const height = await log.evaluate((el) => el.scrollHeight);
    // Into the threshold: older messages load above, and the anchor must not jump away.
    await log.evaluate((el) => el.scrollBy({ top: -150 }));
    await expect
      .poll(() => log.evaluate((el) => el.scrollHeight), { timeout: 10_000 })
      .toBeGreaterThan(height);
    await page.waitForTimeout(100);
    expect(await inView(anchor ?? '')).toBe(true);
    pagesLoaded++;
    expect(pagesLoaded).toBeLessThan(10);
  }
  expect(pagesLoaded).toBe(Math.ceil(TOTAL / 50) - 1);
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  await log.getByText('message 0', { exact: true }).waitFor();
  expect(await page.getByTestId('message').count()).toBeLessThan(60);
  await context.close();
  await writer.$close();
  await me.$close();
});
