// Issue 17, avatars: a photo chosen, cropped by keyboard or touch and saved on the profile shows to
// a friend live, in their chat list and conversation header; removing it brings the initials back.
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

const chatList = (page: Page) => page.getByRole('list', { name: 'Conversations' });
const photoOf = (avatar: Locator) => avatar.getByTestId('avatar-photo');

/** 900×600, red on the left third, green in the middle, blue on the right: a crop shows. */
async function threeColourPng(): Promise<Buffer> {
  const band = (r: number, g: number, b: number) => ({
    create: { width: 300, height: 600, channels: 3 as const, background: { r, g, b } },
  });
  return sharp({ create: { width: 900, height: 600, channels: 3, background: '#000' } })
    .composite([
      { input: band(220, 30, 30), left: 0, top: 0 },
      { input: band(30, 160, 60), left: 300, top: 0 },
      { input: band(30, 60, 220), left: 600, top: 0 },
    ])
    .png()
    .toBuffer();
}

async function choosePhoto(page: Page) {
  await page.getByTestId('avatar-file').setInputFiles({
    name: 'holiday.png',
    mimeType: 'image/png',
    buffer: await threeColourPng(),
  });
  const area = page.getByTestId('crop-area');
  await expect.poll(() => area.getAttribute('data-crop')).toBe('150,0,600');
  return area;
}

it('a photo cropped by keyboard shows to a friend live in the chat list and header; removing it brings initials back', async () => {
  const { one, two, close } = await friendsWithConversation(e2e.server.url, 'ava');
  const mineContext = await e2e.browser.newContext();
  const theirsContext = await e2e.browser.newContext();
  const mine = await mineContext.newPage();
  const theirs = await theirsContext.newPage();
  try {
    await logIn(mine, e2e.server.url, one);
    await logIn(theirs, e2e.server.url, two);
    const row = chatList(theirs).getByRole('link').filter({ hasText: one.username });
    await row.waitFor();
    await row.click();
    const header = theirs.getByTestId('conversation-header');
    expect(await photoOf(row.getByTestId('avatar')).count()).toBe(0);
    const initials = await row.getByTestId('avatar').getAttribute('data-initials');

    await mine.goto(`${e2e.server.url}/profile`);
    const area = await choosePhoto(mine);
    // The crop area has the focus: arrows move the square, + zooms in, Enter saves.
    await expect.poll(() => area.evaluate((el) => el === document.activeElement)).toBe(true);
    for (const scheme of ['light', 'dark'] as const) {
      await mine.emulateMedia({ colorScheme: scheme });
      expect(await seriousViolations(mine)).toEqual([]);
    }
    for (let i = 0; i < 12; i++) await mine.keyboard.press('ArrowRight');
    await expect.poll(() => area.getAttribute('data-crop')).toBe('300,0,600');
    await mine.keyboard.press('+');
    await mine.keyboard.press('+');
    const chosen = (await area.getAttribute('data-crop')) ?? '';
    expect(Number(chosen.split(',')[2])).toBeLessThan(600);
    await mine.keyboard.press('Enter');
    await mine.getByRole('status').filter({ hasText: 'Saved your photo.' }).waitFor();
    const mePhoto = photoOf(mine.getByTestId('me').getByTestId('avatar'));
    await expect.poll(() => mePhoto.getAttribute('data-state')).toBe('loaded');
    const url = (await mePhoto.getAttribute('src')) ?? '';
    expect(url).toMatch(/^\/api\/v1\/avatars\/[0-9a-f]{32}\.webp$/);
    // Focus went back to the button that started it.
    await expect.poll(() => mine.evaluate(() => document.activeElement?.textContent)).toBe('Change photo');

    // The friend sees it without reloading: in the chat list and in the open conversation's header.
    const rowPhoto = photoOf(row.getByTestId('avatar'));
    await expect.poll(() => rowPhoto.getAttribute('src'), { timeout: 10_000 }).toBe(url);
    await expect.poll(() => rowPhoto.getAttribute('data-state')).toBe('loaded');
    const headerPhoto = photoOf(header.getByTestId('avatar'));
    await expect.poll(() => headerPhoto.getAttribute('src')).toBe(url);
    // What was kept is the middle-right of the image: the green band, and blue, but no red.
    const shown = await sharp(
      Buffer.from(await (await fetch(`${e2e.server.url}${url}`)).arrayBuffer()),
    ).stats();
    expect(shown.channels[0]?.mean ?? 255).toBeLessThan(60);
    for (const scheme of ['light', 'dark'] as const) {
      await theirs.emulateMedia({ colorScheme: scheme });
      expect(await seriousViolations(theirs)).toEqual([]);
    }

    // Escape cancels a new choice and changes nothing.
    await choosePhoto(mine);
    await mine.keyboard.press('Escape');
    await mine.getByTestId('crop-area').waitFor({ state: 'detached' });
    expect(await mePhoto.getAttribute('src')).toBe(url);

    await mine.getByRole('button', { name: 'Remove photo' }).click();
    await mine.getByRole('status').filter({ hasText: 'Removed your photo.' }).waitFor();
    await expect.poll(() => photoOf(row.getByTestId('avatar')).count(), { timeout: 10_000 }).toBe(0);
    expect(await row.getByTestId('avatar').getAttribute('data-initials')).toBe(initials);
    await expect.poll(() => photoOf(header.getByTestId('avatar')).count()).toBe(0);
  } finally {
    await mineContext.close();
    await theirsContext.close();
    await close();
  }
});

it('on a phone, a photo is chosen, dragged into place by touch and saved', async () => {
  const { one, close } = await friendsWithConversation(e2e.server.url, 'avp');
  const context = await e2e.browser.newContext(PHONE);
  const page = await context.newPage();
  try {
    await logIn(page, e2e.server.url, one);
    await page.goto(`${e2e.server.url}/profile`);
    const area = await choosePhoto(page);
    // A real touch drag, through the DevTools protocol: the finger moves left, the photo with it,
    // so the square moves right.
    const box = await area.boundingBox();
    if (!box) throw new Error('no crop area');
    const cdp = await context.newCDPSession(page);
    const y = box.y + box.height / 2;
    const start = box.x + box.width * 0.7;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: start, y }] });
    for (let step = 1; step <= 5; step++) {
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: [{ x: start - step * 20, y }],
      });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await expect
      .poll(async () => Number((await area.getAttribute('data-crop'))?.split(',')[0]))
      .toBeGreaterThan(150);
    // A finger lifts, then taps Save: a tap within the same instant as the drag's end would be
    // taken by Chromium as part of that gesture (no person is that fast).
    await page.waitForTimeout(800);
    await page.getByRole('button', { name: 'Save photo' }).tap();
    await page.getByRole('status').filter({ hasText: 'Saved your photo.' }).waitFor();
    const photo = photoOf(page.getByRole('heading', { name: 'Your profile' }).getByTestId('avatar'));
    await expect.poll(() => photo.getAttribute('data-state')).toBe('loaded');
    expect(await seriousViolations(page)).toEqual([]);
  } finally {
    await context.close();
    await close();
  }
});
