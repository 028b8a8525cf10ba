import type { Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { friendsWithConversation, seriousViolations, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

/** The message whose own text (not a quote of it) contains `text`. */
const bubble = (page: Page, text: string) =>
  page.getByTestId('message').filter({ has: page.getByTestId('message-body').filter({ hasText: text }) });

/** What has focus: its tag, id, role, and text (the first 300 characters). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      role: el?.getAttribute('role') ?? '',
      text: (el?.textContent ?? '').slice(0, 300),
      label: el?.getAttribute('aria-label') ?? '',
      href: el?.getAttribute('href') ?? '',
    };
  });

/** Presses Tab until `found` holds for the focused element (a keyboard user's way there). */
async function tabTo(page: Page, found: (f: Awaited<ReturnType<typeof focused>>) => boolean) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (found(await focused(page))) return;
  }
  throw new Error(`Tab never reached it; focus is on ${JSON.stringify(await focused(page))}`);
}

const messageMenu = (page: Page) => page.getByRole('menu', { name: 'Message actions' });

/** Opens the focused message's menu with `key` and waits until the menu has taken focus. */
async function openMenuWith(page: Page, key: string) {
  await page.keyboard.press(key);
  await messageMenu(page).waitFor();
  await expect.poll(async () => (await focused(page)).role).toBe('menuitemcheckbox');
}

/**
 * With a message's menu open and focused: Escape, then Enter on whatever has focus, in one task
 * of the page (no chance for a timer to run in between); then lets the timers queued by then run.
 * Says what had focus right after Escape, and whether the reopened menu is open with focus in it.
 */
const escapeThenEnterAtOnce = (page: Page) =>
  page.evaluate(async () => {
    const press = (key: string) =>
      document.activeElement?.dispatchEvent(
        new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }),
      );
    const settled = () => new Promise<void>((resolve) => queueMicrotask(resolve));
    press('Escape');
    await settled();
    const afterEscape = document.activeElement?.getAttribute('role') ?? document.activeElement?.tagName;
    press('Enter');
    await settled();
    // Timers run in order: any focus restore queued by the closing menu runs before this one.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const open = document.querySelector('[role="menu"][aria-label="Message actions"]');
    return { afterEscape, menuOpen: open !== null, inMenu: open?.contains(document.activeElement) ?? false };
  });

const caret = (page: Page) =>
  page.evaluate(() => {
    const box = document.activeElement;
    return box instanceof HTMLTextAreaElement
      ? { value: box.value, start: box.selectionStart, end: box.selectionEnd }
      : null;
  });

it('a keyboard-only journey: log in, open the chat, edit with ↑, move with arrows, act through the menu', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'kbd');
  const send = (body: string) =>
    two.client.messages.send.mutate({ conversationId, body, clientId: randomUUID() });
  await one.client.messages.send.mutate({ conversationId, body: 'my older line', clientId: randomUUID() });
  await send('their question');
  await one.client.messages.send.mutate({ conversationId, body: 'my last line', clientId: randomUUID() });
  await send('their last word');

  const context = await e2e.browser.newContext({
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());

  // Log in with typing, Tab and Enter only (the username box has focus from the start).
  await page.goto(`${e2e.server.url}/login`);
  await expect.poll(async () => (await focused(page)).tag).toBe('input');
  await page.keyboard.type(one.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(one.password);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/chats');

  // Open the conversation from the list: focus lands in the composer, ready to type.
  await page.getByRole('list', { name: 'Conversations' }).waitFor();
  await tabTo(page, (f) => f.href === `/chats/${conversationId}`);
  await page.keyboard.press('Enter');
  await bubble(page, 'their last word').waitFor();
  await expect.poll(async () => (await focused(page)).id).toBe('composer');

  // ↑ in the empty composer edits my last message, caret at its end.
  await page.keyboard.press('ArrowUp');
  await page.getByTestId('composer-context').getByText('Editing your message').waitFor();
  expect(await caret(page)).toEqual({ value: 'my last line', start: 12, end: 12 });
  await page.keyboard.type(', edited');
  await page.keyboard.press('Enter');
  await expect
    .poll(() => bubble(page, 'my last line, edited').getByTestId('edited').count(), { timeout: 10_000 })
    .toBe(1);

  // Shift+Tab leaves the composer for the list: one stop, on the newest message.
  await page.keyboard.press('Shift+Tab');
  await expect.poll(async () => (await focused(page)).role).toBe('article');
  expect((await focused(page)).text).toContain('their last word');
  // ↑/↓, Home/End move between messages.
  await page.keyboard.press('ArrowUp');
  await expect.poll(async () => (await focused(page)).text).toContain('my last line, edited');
  await page.keyboard.press('ArrowUp');
  await expect.poll(async () => (await focused(page)).text).toContain('their question');
  await page.keyboard.press('Home');
  await expect.poll(async () => (await focused(page)).text).toContain('my older line');
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await focused(page)).text).toContain('their question');
  // Only the current message is in the tab order.
  expect(await page.locator('[data-testid="message"][tabindex="0"]').count()).toBe(1);

  // Enter opens its menu with the first item focused; Escape closes it and focus comes back.
  const menu = messageMenu(page);
  await openMenuWith(page, 'Enter');
  expect(await focused(page)).toMatchObject({ role: 'menuitemcheckbox', label: 'React 👍' });
  expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Reply', 'Copy text']);
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  await expect.poll(async () => (await focused(page)).text).toContain('their question');
  // Escape and Enter in one go, as a fast typist or a busy machine delivers them: focus is back
  // on the message the moment the menu closes, and the menu Enter reopens stays open.
  await openMenuWith(page, 'Enter');
  expect(await escapeThenEnterAtOnce(page)).toEqual({ afterEscape: 'article', menuOpen: true, inMenu: true });
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });
  await expect.poll(async () => (await focused(page)).text).toContain('their question');
  // Copy text puts the message on the clipboard.
  await openMenuWith(page, 'Enter');
  await page.keyboard.press('c');
  // Typeahead moves focus a moment later; Enter before that would act on the first item.
  await expect.poll(async () => (await focused(page)).text).toContain('Copy text');
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: 10_000 })
    .toBe('their question');

  // React from the menu: Enter on 👍. Focus is back on the message at once, ready for Enter.
  expect((await focused(page)).text).toContain('their question');
  await openMenuWith(page, 'Enter');
  await page.keyboard.press('Enter');
  await expect
    .poll(() => bubble(page, 'their question').getByTestId('reactions').textContent(), { timeout: 10_000 })
    .toContain('👍 1');
  await expect.poll(async () => (await focused(page)).text).toContain('their question');

  // The context-menu key opens it too; Reply (typeahead "r") puts focus in the composer.
  await openMenuWith(page, 'ContextMenu');
  await page.keyboard.press('r');
  await expect.poll(async () => (await focused(page)).text).toBe('Reply');
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'detached' });
  await expect.poll(async () => (await focused(page)).id).toBe('composer');
  expect(await page.getByTestId('composer-context').textContent()).toContain(`Replying to ${two.username}`);
  await page.keyboard.type('my answer');
  await page.keyboard.press('Enter');
  await expect
    .poll(() => bubble(page, 'my answer').getByTestId('reply-quote').textContent(), { timeout: 10_000 })
    .toContain('their question');

  // The list remembers its place: Shift+Tab comes back to that message (past its reaction chip).
  await page.keyboard.press('Shift+Tab');
  await expect.poll(async () => (await focused(page)).label).toBe('👍 1, including you');
  await page.keyboard.press('Shift+Tab');
  await expect.poll(async () => (await focused(page)).text).toContain('their question');
  // My own message's menu has Edit and Delete; Edit fills the composer, caret at the end.
  await page.keyboard.press('End');
  await expect.poll(async () => (await focused(page)).text).toContain('my answer');
  await openMenuWith(page, 'Shift+F10');
  expect(await menu.getByRole('menuitem').allTextContents()).toEqual([
    'Reply',
    'Copy text',
    'Edit',
    'Delete for everyone',
  ]);
  await page.keyboard.press('e');
  await expect.poll(async () => (await focused(page)).text).toBe('Edit');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await focused(page)).id).toBe('composer');
  expect(await caret(page)).toEqual({ value: 'my answer', start: 9, end: 9 });
  await page.keyboard.press('Escape');
  expect(await page.getByTestId('composer-context').count()).toBe(0);

  // Delete for everyone, by keyboard (the confirmation is accepted above).
  await page.keyboard.press('Shift+Tab');
  await expect.poll(async () => (await focused(page)).text).toContain('my answer');
  await page.keyboard.press('ArrowUp');
  await expect.poll(async () => (await focused(page)).text).toContain('their last word');
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await focused(page)).text).toContain('my answer');
  await openMenuWith(page, 'Enter');
  await page.keyboard.press('End');
  await expect.poll(async () => (await focused(page)).text).toBe('Delete for everyone');
  await page.keyboard.press('Enter');
  await page.getByText('This message was deleted.').waitFor({ timeout: 10_000 });

  await context.close();
  await close();
});

it('floats the hover toolbar over the message: hovering never moves the list', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'hov');
  for (const body of ['first', 'second', 'third', 'read [the docs](https://example.com/docs)']) {
    await two.client.messages.send.mutate({ conversationId, body, clientId: randomUUID() });
  }
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${e2e.server.url}/login`);
  await page.getByLabel('Username').fill(one.username);
  await page.getByLabel('Password').fill(one.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/chats');
  await page.goto(`${e2e.server.url}/chats/${conversationId}`);
  await bubble(page, 'third').waitFor();

  const boxes = () =>
    Promise.all(['first', 'second', 'third'].map((text) => bubble(page, text).boundingBox()));
  const before = await boxes();
  const toolbar = bubble(page, 'second').getByRole('toolbar', { name: 'Message actions' });
  expect(await toolbar.isVisible()).toBe(false);
  await bubble(page, 'second').hover();
  await expect.poll(() => toolbar.isVisible()).toBe(true);
  expect(await boxes()).toEqual(before);
  // The toolbar's reaction buttons are at least 24×24 (axe's target size).
  const react = await toolbar.getByRole('button', { name: 'React 👍' }).boundingBox();
  expect(react?.width).toBeGreaterThanOrEqual(24);
  expect(react?.height).toBeGreaterThanOrEqual(24);

  // The toolbar works, and its "⋯" opens the full menu.
  await toolbar.getByRole('button', { name: 'React 👍' }).click();
  const chip = bubble(page, 'second').getByTestId('reactions').getByRole('button');
  await expect.poll(() => chip.textContent(), { timeout: 10_000 }).toContain('👍 1');
  const size = await chip.boundingBox();
  expect(size?.width).toBeGreaterThanOrEqual(24);
  expect(size?.height).toBeGreaterThanOrEqual(24);
  await bubble(page, 'second').hover();
  await toolbar.getByRole('button', { name: 'More actions' }).click();
  await page.getByRole('menu', { name: 'Message actions' }).getByRole('menuitem', { name: 'Reply' }).click();
  await expect.poll(async () => (await focused(page)).id).toBe('composer');
  // Right-click opens the same menu; on a link it leaves the browser's own.
  await bubble(page, 'first').click({ button: 'right' });
  await page.getByRole('menu', { name: 'Message actions' }).waitFor();
  await page.keyboard.press('Escape');
  await bubble(page, 'read the docs').getByRole('link', { name: 'the docs' }).click({ button: 'right' });
  await page.waitForTimeout(300);
  expect(await page.getByRole('menu').count()).toBe(0);

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page)).toEqual([]);
    await bubble(page, 'first').click({ button: 'right' });
    await page.getByRole('menu', { name: 'Message actions' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
  }

  await context.close();
  await close();
});
