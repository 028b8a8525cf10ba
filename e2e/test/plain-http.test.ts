import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  friendsWithConversation,
  launchChromium,
  logIn,
  startWebServer,
  type WebServer,
} from '../src/browser';

// A LAN or VPS install without TLS, seen from another machine: the browser reaches the server by
// a name that is not loopback, so the page is not a secure context.
const NAME = 'pigeon-lan.test';
let server: WebServer;
let browser: Browser;
beforeAll(async () => {
  server = await startWebServer({ cookieSecure: 'auto' });
  browser = await launchChromium([`--host-resolver-rules=MAP ${NAME} 127.0.0.1`]);
});
afterAll(async () => {
  await browser.close();
  await server.close();
});

it('warns on the login page over plain HTTP from a non-local address, and keeps the session on reload', async () => {
  const lanUrl = server.url.replace('127.0.0.1', NAME);
  const { one: me, close } = await friendsWithConversation(server.url, 'lan');
  const page = await browser.newPage();
  await page.goto(`${lanUrl}/login`);
  const warning = page.getByTestId('insecure-connection');
  await warning.waitFor();
  expect(await warning.textContent()).toContain('not secure');

  // COOKIE_SECURE=auto: the refresh cookie is not Secure here, so the browser keeps it.
  await logIn(page, lanUrl, me);
  const cookies = await page.context().cookies(`${lanUrl}/trpc/auth.refresh`);
  expect(cookies.find((c) => c.httpOnly)?.secure).toBe(false);
  await page.reload();
  await page.waitForURL('**/chats');
  await page.getByRole('heading', { name: 'Chats' }).first().waitFor({ timeout: 15_000 });

  // From this machine (loopback) the same page is a secure context: no warning.
  const local = await browser.newPage();
  await local.goto(`${server.url}/login`);
  await local.getByLabel('Username').waitFor();
  expect(await local.getByTestId('insecure-connection').count()).toBe(0);
  await close();
});
