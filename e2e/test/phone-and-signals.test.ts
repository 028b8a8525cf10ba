import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  screenshots,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

/** The message whose own text (not a quote of it) contains `text`. */
const bubble = (page: Page, text: string) =>
  page.getByTestId('message').filter({ has: page.getByTestId('message-body').filter({ hasText: text }) });

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
}

it('on a phone: one row of navigation, a full-screen conversation with one header, tap and long-press menus, 44 px targets', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'tch');
  await two.client.messages.send.mutate({ conversationId, body: 'tap me', clientId: randomUUID() });
  await two.client.messages.send.mutate({ conversationId, body: 'press me long', clientId: randomUUID() });
  const group = await one.client.conversations.createGroup.mutate({
    name: 'Weekend plans',
    memberIds: [two.id],
  });

  const context = await e2e.browser.newContext(PHONE);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await logIn(page, e2e.server.url, one);

  // The chat list: the main navigation is one row, nothing spills out sideways.
  const nav = page.getByRole('navigation', { name: 'Main' });
  const tops = await Promise.all(
    [
      nav.getByRole('link', { name: 'Chats' }),
      nav.getByRole('link', { name: 'Search' }),
      page.getByTestId('me'),
    ].map(async (l) => (await box(l)).y),
  );
  expect(new Set(tops).size).toBe(1);
  const shellHeader = page.locator('header').filter({ has: nav });
  expect((await box(shellHeader)).height).toBeLessThanOrEqual(56);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(await seriousViolations(page)).toEqual([]);

  // Opening a conversation: the whole screen, one header, and no keyboard popped unasked.
  await page
    .getByRole('list', { name: 'Conversations' })
    .getByRole('link')
    .filter({ hasText: two.username })
    .tap();
  await bubble(page, 'press me long').waitFor();
  expect(await nav.isVisible()).toBe(false);
  expect(await page.locator('header:visible').count()).toBe(1);
  const header = page.locator('header:visible');
  expect((await box(header)).y).toBe(0);
  expect((await box(header)).height).toBeLessThanOrEqual(64);
  await header.getByRole('link', { name: 'Back to chats' }).waitFor();
  await header.getByRole('button', { name: 'Conversation options' }).waitFor();
  const composer = page.getByLabel(`Message ${two.username}`);
  expect(Math.round((await box(composer)).y + (await box(composer)).height)).toBeGreaterThan(780);
  expect(await focusedId(page)).not.toBe('composer');

  // A tap on a message opens its menu, with 44 px rows; Reply then focuses the composer (asked).
  await bubble(page, 'tap me').getByTestId('message-body').tap();
  const menu = page.getByRole('menu', { name: 'Message actions' });
  await menu.waitFor();
  for (const item of [
    menu.getByRole('menuitem', { name: 'Reply' }),
    menu.getByRole('menuitemcheckbox').first(),
  ]) {
    expect((await box(item)).height).toBeGreaterThanOrEqual(44);
  }
  await menu.getByRole('menuitem', { name: 'Reply' }).tap();
  await menu.waitFor({ state: 'detached' });
  await expect.poll(() => focusedId(page)).toBe('composer');
  expect(await page.getByTestId('composer-context').textContent()).toContain(`Replying to ${two.username}`);
  await page.getByTestId('composer-context').getByRole('button', { name: 'Cancel' }).tap();

  // A long-press (a real touch held, through the DevTools protocol) opens it too.
  const target = await box(bubble(page, 'press me long').getByTestId('message-body'));
  const cdp = await context.newCDPSession(page);
  const point = { x: target.x + target.width / 2, y: target.y + target.height / 2 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await page.waitForTimeout(900);
  await menu.waitFor();
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await menu.getByRole('menuitemcheckbox', { name: 'React 👍' }).tap();
  // Reaction chips are 44×44 on a touch screen.
  const chip = bubble(page, 'press me long').getByTestId('reactions').getByRole('button');
  await expect.poll(() => chip.textContent(), { timeout: 10_000 }).toContain('👍 1');
  expect((await box(chip)).width).toBeGreaterThanOrEqual(44);
  expect((await box(chip)).height).toBeGreaterThanOrEqual(44);
  mkdirSync(screenshots, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${screenshots}conversation-phone-${scheme}.png` });
  }

  // Back to the list, then the group: its name has the header's width, its options are in one menu.
  await header.getByRole('link', { name: 'Back to chats' }).tap();
  await page
    .getByRole('list', { name: 'Conversations' })
    .getByRole('link')
    .filter({ hasText: 'Weekend plans' })
    .tap();
  await page.waitForURL(`**/chats/${group.id}`);
  const title = page.getByTestId('conversation-title');
  await expect.poll(() => title.textContent()).toBe('Weekend plans');
  const fits = await title.evaluate((el) => el.scrollWidth <= el.clientWidth);
  expect(fits).toBe(true);
  expect((await box(title)).width).toBeGreaterThan(200);
  await page.getByRole('button', { name: 'Conversation options' }).tap();
  const options = page.getByRole('menu');
  expect(await options.getByRole('menuitemcheckbox').allTextContents()).toEqual(['Members', 'Mute']);
  expect(await options.getByRole('menuitem').allTextContents()).toEqual(['Delete for me']);
  await options.getByRole('menuitemcheckbox', { name: 'Members' }).tap();
  await page.getByRole('complementary', { name: 'Group members' }).waitFor();
  await page.getByRole('button', { name: 'Conversation options' }).tap();
  await options.getByRole('menuitemcheckbox', { name: 'Mute' }).tap();
  await page.getByTestId('muted').waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  await context.close();
  await close();
});

it('scrolled up, new messages bring a “↓ N new” button; typing stops on clear and send, and editing is not typing', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'sig');
  const fromTwo = (body: string) =>
    two.client.messages.send.mutate({ conversationId, body, clientId: randomUUID() });
  for (let i = 1; i <= 40; i++) await fromTwo(`line ${i}`);
  await one.client.messages.send.mutate({ conversationId, body: 'my old message', clientId: randomUUID() });

  const contexts = await Promise.all([
    e2e.browser.newContext({ viewport: { width: 1280, height: 800 } }),
    e2e.browser.newContext({ viewport: { width: 1280, height: 800 } }),
  ]);
  const [reader, writer] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!reader || !writer) throw new Error('no pages');
  await logIn(reader, e2e.server.url, one);
  await logIn(writer, e2e.server.url, two);
  await reader.goto(`${e2e.server.url}/chats/${conversationId}`);
  await writer.goto(`${e2e.server.url}/chats/${conversationId}`);
  await bubble(reader, 'my old message').waitFor();
  for (const page of [reader, writer]) {
    await expect
      .poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 15_000 })
      .toBe('connected');
  }

  // Scrolled up: new messages stay below, counted on a button that takes the reader there.
  const log = reader.getByRole('log', { name: 'Messages' });
  await log.evaluate((el) => {
    el.scrollTop = el.scrollHeight - el.clientHeight - 900;
  });
  const scrolledTo = await log.evaluate((el) => el.scrollTop);
  for (const body of ['news 1', 'news 2', 'news 3']) await fromTwo(body);
  const jump = reader.getByRole('button', { name: /new/ });
  await expect.poll(() => jump.textContent(), { timeout: 10_000 }).toBe('↓ 3 new messages: go to the newest');
  expect(await log.evaluate((el) => el.scrollTop)).toBe(scrolledTo);
  expect(await seriousViolations(reader)).toEqual([]);
  await jump.click();
  await expect.poll(() => bubble(reader, 'news 3').isVisible()).toBe(true);
  await expect.poll(() => jump.count()).toBe(0);
  // At the bottom, new messages just show.
  await fromTwo('news 4');
  await expect.poll(() => bubble(reader, 'news 4').isVisible(), { timeout: 10_000 }).toBe(true);
  expect(await jump.count()).toBe(0);

  // Typing shows, and goes at once (not after its 6 s) when the text is cleared…
  const indicator = reader.getByTestId('typing');
  const box2 = writer.getByLabel(`Message ${one.username}`);
  await box2.pressSequentially('hello');
  await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe(`${two.username} is typing…`);
  const clearedAt = Date.now();
  await box2.press('Control+A');
  await box2.press('Backspace');
  await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe('');
  expect(Date.now() - clearedAt).toBeLessThan(3_000);
  // …and when the message is sent.
  await box2.pressSequentially('sent now');
  await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe(`${two.username} is typing…`);
  await box2.press('Enter');
  await bubble(reader, 'sent now').waitFor();
  await expect.poll(() => indicator.textContent(), { timeout: 2_000 }).toBe('');

  // Editing an old message is not typing: ↑ edits the writer's last one, and nothing shows.
  await box2.press('ArrowUp');
  await writer.getByTestId('composer-context').getByText('Editing your message').waitFor();
  await box2.pressSequentially(' (fixed)');
  await writer.waitForTimeout(2_000);
  expect(await indicator.textContent()).toBe('');
  await box2.press('Enter');
  await expect
    .poll(() => bubble(reader, 'sent now (fixed)').getByTestId('edited').count(), { timeout: 10_000 })
    .toBe(1);
  expect(await indicator.textContent()).toBe('');

  await Promise.all(contexts.map((c) => c.close()));
  await close();
});
