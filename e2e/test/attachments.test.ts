// Pictures and files in the web app (issue 17): sending them, seeing them live, the image
// viewer by keyboard and by touch, downloads, cancel and retry, and files queued offline.
import { mkdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  screenshots,
  seriousViolations,
  serviceWorkerInControl,
  webServerAndBrowserForFile,
} from '../src/browser';
import { makePng } from '../src/png';

// Not the default 25 MB: the composer must refuse by what this server says (messages.uploadLimits).
const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const e2e = webServerAndBrowserForFile({
  uploads: {
    maxBytes: MAX_UPLOAD_BYTES,
    maxPerMessage: 10,
    quotaBytes: 1024 ** 3,
    orphanTtlSeconds: 24 * 60 * 60,
  },
});
const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

async function openConversation(
  user: { username: string; password: string },
  conversationId: string,
  options: Parameters<typeof e2e.browser.newContext>[0] = DESKTOP,
) {
  const context = await e2e.browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  await logIn(page, e2e.server.url, user);
  await page.goto(`${e2e.server.url}/chats/${conversationId}`);
  await expect
    .poll(() => page.locator('[data-connection]').getAttribute('data-connection'), { timeout: 15_000 })
    .toBe('connected');
  return { context, page };
}

const png = (name: string, width: number, height: number, hue: number) => ({
  name,
  mimeType: 'image/png',
  buffer: makePng(width, height, { hue }),
});

/** Chooses files through the composer's Attach button (its file input). */
const attach = (page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) =>
  page.getByTestId('attach-input').setInputFiles(files);

const chipStates = (page: Page) =>
  page.getByTestId('attachment-chip').evaluateAll((chips) => chips.map((c) => c.getAttribute('data-status')));

const focusedAttachment = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-attachment-id') ?? null);

it('sends pictures and a file: the other person sees them live, views the images by keyboard, downloads the file', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'att');
  const { page: a } = await openConversation(one, conversationId);
  const { page: b } = await openConversation(two, conversationId);

  // Two pictures and a caption: chips with thumbnails, ready once uploaded, then one message.
  await attach(a, [png('sunrise.png', 1200, 800, 10), png('sunset.png', 640, 960, 120)]);
  const chips = a.getByTestId('attachment-chip');
  await expect.poll(() => chips.count()).toBe(2);
  expect(await chips.first().locator('img').count()).toBe(1);
  await expect.poll(() => chipStates(a), { timeout: 15_000 }).toEqual(['done', 'done']);
  expect(await seriousViolations(a)).toEqual([]);
  const composer = a.getByLabel(`Message ${two.username}`);
  await composer.fill('two views of the bay');
  await composer.press('Enter');
  await expect.poll(() => chips.count()).toBe(0);

  // B sees them without a reload: previews in boxes sized from the dimensions, then loaded.
  const previews = b.getByTestId('image-preview');
  await expect.poll(() => previews.count(), { timeout: 15_000 }).toBe(2);
  const first = previews.first();
  const box = await first.boundingBox();
  expect(box && Math.round(box.width)).toBe(280);
  expect(box && Math.round(box.height)).toBe(187);
  await expect.poll(() => first.getAttribute('data-loaded'), { timeout: 15_000 }).toBe('true');
  await b.getByTestId('message-body').filter({ hasText: 'two views of the bay' }).waitFor();
  expect(await seriousViolations(b)).toEqual([]);

  // The viewer, by keyboard only: Enter on the preview, arrows between images, Escape back.
  await first.focus();
  await b.keyboard.press('Enter');
  const viewer = b.getByRole('dialog');
  await viewer.waitFor();
  expect(await viewer.getByRole('heading').textContent()).toBe('sunrise.png (1 of 2)');
  const full = viewer.getByTestId('viewer-image');
  await expect.poll(() => full.getAttribute('data-loaded'), { timeout: 15_000 }).toBe('true');
  // The full original, not the preview.
  expect(await full.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([
    1200, 800,
  ]);
  expect(await full.getAttribute('alt')).toBe('sunrise.png');
  mkdirSync(screenshots, { recursive: true });
  await b.screenshot({ path: `${screenshots}image-viewer.png` });
  expect(await seriousViolations(b)).toEqual([]);
  await b.keyboard.press('ArrowRight');
  await expect.poll(() => viewer.getByRole('heading').textContent()).toBe('sunset.png (2 of 2)');
  await expect
    .poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 15_000 })
    .toBe(640);
  await b.keyboard.press('ArrowRight');
  expect(await viewer.getByRole('heading').textContent()).toBe('sunset.png (2 of 2)');
  await b.keyboard.press('ArrowLeft');
  await expect.poll(() => viewer.getByRole('heading').textContent()).toBe('sunrise.png (1 of 2)');
  // Focus stays in the viewer however far one tabs.
  for (let i = 0; i < 8; i++) {
    await b.keyboard.press('Tab');
    expect(await b.evaluate(() => Boolean(document.activeElement?.closest('[role="dialog"]')))).toBe(true);
  }
  // Download from the viewer saves the original under its name.
  const [viewerDownload] = await Promise.all([
    b.waitForEvent('download'),
    viewer.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(viewerDownload.suggestedFilename()).toBe('sunrise.png');
  await b.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });
  const firstId = await first.getAttribute('data-attachment-id');
  await expect.poll(() => focusedAttachment(b)).toBe(firstId);

  // A file that is not an image: a card with its name and size, downloaded under its name.
  const notes = Buffer.from('Packing list:\n- tent\n- stove\n');
  await attach(a, [{ name: 'packing list.txt', mimeType: 'text/plain', buffer: notes }]);
  await expect.poll(() => chipStates(a), { timeout: 15_000 }).toEqual(['done']);
  // Files alone make a message: no text needed.
  await a.getByRole('button', { name: 'Send' }).click();
  const card = b.getByTestId('file-card');
  await card.waitFor({ timeout: 15_000 });
  expect(await card.textContent()).toContain('packing list.txt');
  expect(await card.textContent()).toContain(`${notes.length} B`);
  const [download] = await Promise.all([
    b.waitForEvent('download'),
    card.getByRole('button', { name: 'Download packing list.txt' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('packing list.txt');
  const path = await download.path();
  expect(readFileSync(path, 'utf8')).toBe(notes.toString('utf8'));
  expect(await seriousViolations(b)).toEqual([]);
  await close();
});

it('on a phone: attaches with touch, the Camera button is there, the viewer swipes between images', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'attp');
  const { page: a } = await openConversation(one, conversationId, PHONE);
  await a.getByRole('button', { name: 'Take a photo' }).waitFor();
  expect(await a.getByTestId('camera-input').getAttribute('capture')).toBe('environment');
  const attachButton = await a.getByRole('button', { name: 'Attach files' }).boundingBox();
  expect(attachButton?.height).toBeGreaterThanOrEqual(44);
  // The Attach button opens the system's picker (a file chooser here).
  const [chooser] = await Promise.all([
    a.waitForEvent('filechooser'),
    a.getByRole('button', { name: 'Attach files' }).tap(),
  ]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.setFiles([png('left.png', 800, 600, 30), png('right.png', 800, 600, 200)]);
  await expect.poll(() => chipStates(a), { timeout: 15_000 }).toEqual(['done', 'done']);
  await a.getByRole('button', { name: 'Send' }).tap();

  const { context, page: b } = await openConversation(two, conversationId, PHONE);
  const previews = b.getByTestId('image-preview');
  await expect.poll(() => previews.count(), { timeout: 15_000 }).toBe(2);
  expect(await b.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await previews.first().tap();
  const viewer = b.getByRole('dialog');
  await viewer.waitFor();
  expect(await viewer.getByRole('heading').textContent()).toBe('left.png (1 of 2)');
  expect(await seriousViolations(b)).toEqual([]);

  // A real swipe, right to left, through the DevTools protocol.
  const stage = await viewer.getByTestId('viewer-stage').boundingBox();
  if (!stage) throw new Error('no stage');
  const y = stage.y + stage.height / 2;
  const cdp = await context.newCDPSession(b);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  await touch('touchStart', 300);
  for (const x of [260, 200, 140, 100]) await touch('touchMove', x);
  await touch('touchEnd', 100);
  await expect.poll(() => viewer.getByRole('heading').textContent()).toBe('right.png (2 of 2)');
  await viewer.getByRole('button', { name: 'Close image viewer' }).tap();
  await viewer.waitFor({ state: 'detached' });
  await b.screenshot({ path: `${screenshots}attachments-phone.png` });
  await close();
});

/** A mono 16-bit PCM WAV of a sine tone: a voice note's stand-in that every Chromium plays. */
function wav(seconds: number, hz = 440, rate = 8000): Buffer {
  const samples = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16); // the fmt chunk's size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28); // bytes per second
  out.writeUInt16LE(2, 32); // bytes per frame
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  }
  return out;
}

it('plays a voice note in the message when asked, by touch on a phone and by keyboard, and not before', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'voice');
  const { page: a } = await openConversation(one, conversationId);
  const { page: b } = await openConversation(two, conversationId, PHONE);
  let downloads = 0;
  b.on('request', (r) => {
    if (/\/api\/v1\/attachments\/[^/]+\/original/.test(r.url())) downloads++;
  });

  await attach(a, [{ name: 'hello.wav', mimeType: 'audio/wav', buffer: wav(2) }]);
  await expect.poll(() => chipStates(a), { timeout: 15_000 }).toEqual(['done']);
  await a.getByRole('button', { name: 'Send' }).click();

  // B, on a phone: a card with a Play button; nothing is downloaded until it is tapped.
  const card = b.getByTestId('file-card').filter({ hasText: 'hello.wav' });
  await card.waitFor({ timeout: 15_000 });
  expect(await card.textContent()).toContain('audio/wav');
  expect(await b.getByTestId('media-player').count()).toBe(0);
  expect(downloads).toBe(0);
  await card.getByRole('button', { name: 'Play hello.wav' }).tap();
  const player = card.getByTestId('media-player');
  await player.waitFor({ timeout: 15_000 });
  expect(await player.evaluate((el) => el.tagName)).toBe('AUDIO');
  // The browser read the sound itself: two seconds long.
  await expect
    .poll(() => player.evaluate((el: HTMLMediaElement) => el.readyState), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(1);
  expect(await player.evaluate((el: HTMLMediaElement) => Math.round(el.duration))).toBe(2);
  expect(await player.getAttribute('aria-label')).toBe('hello.wav');
  expect(downloads).toBe(1);
  for (const colorScheme of ['light', 'dark'] as const) {
    await b.emulateMedia({ colorScheme });
    expect(await seriousViolations(b), colorScheme).toEqual([]);
  }

  // A, by keyboard: Enter on the Play button, and focus lands on the player.
  const own = a.getByTestId('file-card').filter({ hasText: 'hello.wav' });
  await own.waitFor();
  const play = own.getByRole('button', { name: 'Play hello.wav' });
  await play.focus();
  await a.keyboard.press('Enter');
  const ownPlayer = own.getByTestId('media-player');
  await ownPlayer.waitFor({ timeout: 15_000 });
  await expect.poll(() => ownPlayer.evaluate((el) => el === document.activeElement)).toBe(true);
  await expect
    .poll(() => ownPlayer.evaluate((el: HTMLMediaElement) => el.readyState), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(1);
  await close();
});

it('cancels and retries an upload; attaches by drop and paste; says why a file cannot go before uploading it', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'attc');
  const { page: a } = await openConversation(one, conversationId);
  const { page: b } = await openConversation(two, conversationId);

  // An upload that hangs (held here): Cancel stops it; Retry sends it again.
  let held = 0;
  await a.route('**/api/v1/uploads**', () => {
    held++;
  });
  await attach(a, [png('slow.png', 300, 200, 60)]);
  const chip = a.getByTestId('attachment-chip');
  await expect.poll(() => chipStates(a)).toEqual(['uploading']);
  await expect.poll(() => held).toBe(1);
  expect(await a.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
  await chip.getByRole('button', { name: 'Cancel uploading slow.png' }).click();
  await expect.poll(() => chipStates(a)).toEqual(['failed']);
  expect(await chip.getByTestId('attachment-state').textContent()).toBe('Cancelled.');
  await a.unroute('**/api/v1/uploads**');

  // A server failure shows, and a retry goes through.
  await a.route('**/api/v1/uploads**', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: '{"error":{"code":"UNAVAILABLE","message":"Try later."}}',
    }),
  );
  await chip.getByRole('button', { name: 'Retry uploading slow.png' }).click();
  await expect.poll(() => chip.getByTestId('attachment-state').textContent()).toBe('Try later.');
  await a.unroute('**/api/v1/uploads**');
  await chip.getByRole('button', { name: 'Retry uploading slow.png' }).click();
  await expect.poll(() => chipStates(a), { timeout: 15_000 }).toEqual(['done']);
  await a.getByRole('button', { name: 'Send' }).click();
  await b.getByTestId('image-preview').waitFor({ timeout: 15_000 });

  // Dropped on the conversation, or pasted into the box (a screenshot): attached the same way.
  await a.getByRole('log', { name: 'Messages' }).evaluate((log) => {
    const data = new DataTransfer();
    data.items.add(new File(['dropped text'], 'dropped.txt', { type: 'text/plain' }));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      log.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    }
  });
  await a.getByLabel(`Message ${two.username}`).evaluate(
    (box, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      box.dispatchEvent(
        new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }),
      );
    },
    makePng(60, 40, { hue: 150 }).toString('base64'),
  );
  await expect
    .poll(() => a.getByTestId('attachment-chip').evaluateAll((chips) => chips.map((c) => c.textContent)))
    .toEqual([expect.stringContaining('dropped.txt'), expect.stringContaining('pasted.png')]);
  await expect.poll(() => chipStates(a), { timeout: 15_000 }).toEqual(['done', 'done']);
  await a.getByRole('button', { name: 'Send' }).click();
  await b.getByTestId('file-card').filter({ hasText: 'dropped.txt' }).waitFor({ timeout: 15_000 });
  await expect.poll(() => b.getByTestId('image-preview').count()).toBe(2);

  // Too large: refused here, in words, with nothing uploaded.
  let uploads = 0;
  a.on('request', (r) => {
    if (r.url().includes('/api/v1/uploads')) uploads++;
  });
  await attach(a, [
    { name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX_UPLOAD_BYTES + 1) },
  ]);
  await expect
    .poll(() => a.getByTestId('attachment-problems').textContent())
    .toContain('“huge.bin” is 5.0 MB; files can be at most 5.0 MB.');
  expect(await chip.count()).toBe(0);
  expect(uploads).toBe(0);
  await close();
});

it('offline: a picture attached and sent while offline survives a reload and goes once the network is back', async () => {
  const { one, two, conversationId, close } = await friendsWithConversation(e2e.server.url, 'atto');
  const { context, page: a } = await openConversation(one, conversationId);
  const { page: b } = await openConversation(two, conversationId);
  // The service worker opens the app again after a reload with no network.
  await serviceWorkerInControl(a);

  await context.setOffline(true);
  await a.getByTestId('queued-note').waitFor();
  await attach(a, [png('from the train.png', 400, 300, 90)]);
  await expect.poll(() => chipStates(a)).toEqual(['waiting']);
  expect(await a.getByTestId('attachment-state').textContent()).toBe('Waiting for the network');
  await a.getByLabel(`Message ${two.username}`).fill('no signal here');
  await a.getByRole('button', { name: 'Send' }).click();
  // Queued: shown at once with its file, waiting.
  const queuedMessage = a.getByTestId('message').filter({ hasText: 'no signal here' });
  await queuedMessage.getByTestId('pending-attachments').getByText('from the train.png').waitFor();
  expect(await queuedMessage.getAttribute('data-state')).toBe('queued');
  // A reload with no network: the queued message and its file's bytes are still on the device.
  await a.waitForTimeout(500);
  await a.reload();
  await a
    .getByTestId('message')
    .filter({ hasText: 'no signal here' })
    .getByTestId('pending-attachments')
    .getByText('from the train.png')
    .waitFor({ timeout: 15_000 });
  expect(await b.getByTestId('image-preview').count()).toBe(0);

  await context.setOffline(false);
  const preview = b.getByTestId('image-preview');
  await preview.waitFor({ timeout: 20_000 });
  expect(await preview.getAttribute('aria-label')).toBe('Open image from the train.png');
  await b.getByTestId('message-body').filter({ hasText: 'no signal here' }).waitFor();
  // On A the queued copy has become the stored message, with its preview.
  await expect.poll(() => a.getByTestId('image-preview').count(), { timeout: 15_000 }).toBe(1);
  expect(await a.getByTestId('pending-attachments').count()).toBe(0);
  await close();
});
