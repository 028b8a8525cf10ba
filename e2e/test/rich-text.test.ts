import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { friendsWithConversation, logIn, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

const HOSTILE = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 1">',
  '<svg onload="window.__pwned = 1"></svg>',
  '[click me](javascript:window.__pwned=1)',
  '<a href="javascript:window.__pwned=1">html link</a>',
  '<iframe src="javascript:window.__pwned=1"></iframe>',
];

it('renders the Markdown subset and never runs what a hostile message carries', async () => {
  const {
    one: writer,
    two: reader,
    conversationId,
    close,
  } = await friendsWithConversation(e2e.server.url, 'rich');
  for (const body of [
    ...HOSTILE,
    '**bold** and _soft_ with `code`\nsecond line [docs](https://example.com/docs)',
  ]) {
    await writer.client.messages.send.mutate({ conversationId, body, clientId: randomUUID() });
  }

  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await logIn(page, e2e.server.url, reader);
  await page.goto(`${e2e.server.url}/chats/${conversationId}`);

  const log = page.getByRole('log', { name: 'Messages' });
  await log.locator('strong', { hasText: 'bold' }).waitFor();
  expect(await log.locator('em').first().textContent()).toBe('soft');
  expect(await log.locator('code').first().textContent()).toBe('code');
  const docs = log.getByRole('link', { name: 'docs' });
  expect(await docs.getAttribute('href')).toBe('https://example.com/docs');
  expect(await docs.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  expect(await docs.getAttribute('target')).toBe('_blank');

  // The hostile ones show as text (or nothing), with no element or link that could run code.
  await log.getByText('click me').waitFor();
  expect(await log.locator('script, img, svg, iframe').count()).toBe(0);
  const hrefs = await log.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  expect(hrefs.every((href) => /^https?:/.test(href))).toBe(true);
  await log.getByText('click me').click();
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);

  // What the reader types is rendered the same way.
  await page.getByLabel(`Message ${writer.username}`).fill('reply with **emphasis**');
  await page.keyboard.press('Enter');
  await log.locator('strong', { hasText: 'emphasis' }).waitFor();
  await context.close();
  await close();
});
