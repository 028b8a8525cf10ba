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
