// Two-factor authentication in the browser: enrol by reading the setup key the page shows (as
// someone typing it into an app would), codes computed with otplib here, then the login's second
// step with a code and with a recovery code, which works only once.
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { seriousViolations, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

/** The app's code for now, or a 30-second step later (still inside the server's window). */
const codeFor = (secret: string, stepsAhead = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });

async function logOut(page: Page) {
  await page.goto(`${e2e.server.url}/profile`);
  await page.getByRole('region', { name: 'Session' }).getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/profile'));
}

async function passwordStep(page: Page, user: { username: string; password: string }) {
  await page.goto(`${e2e.server.url}/login`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

it('enrols with the setup key, then logs in with a code and once with each recovery code', async () => {
  const context = await e2e.browser.newContext();
  const page = await context.newPage();
  const user = { username: `tfa_${randomUUID().slice(0, 6)}`, password: 'tangerine otter seventeen' };
  await page.goto(`${e2e.server.url}/register`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Email').fill(`${user.username}@example.com`);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/chats');

  await page.goto(`${e2e.server.url}/profile`);
  const section = page.getByRole('region', { name: 'Two-factor authentication' });
  // Only with the password: a wrong one is refused in words, and no setup key is shown.
  await section.getByLabel('Password, to set up two-factor').fill('not my password');
  await section.getByRole('button', { name: 'Set up two-factor' }).click();
  await section.getByRole('alert').getByText('The password is not right.').waitFor();
  expect(await section.getByLabel('Setup key').count()).toBe(0);
  for (const colorScheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousViolations(page), colorScheme).toEqual([]);
  }
  await section.getByLabel('Password, to set up two-factor').fill(user.password);
  await section.getByRole('button', { name: 'Set up two-factor' }).click();
  await section.getByRole('img', { name: /QR code/ }).waitFor();
  const secret = (await section.getByLabel('Setup key').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  expect(await seriousViolations(page)).toEqual([]);
  await section.getByLabel('Code from the app').fill(await codeFor(secret));
  await section.getByRole('button', { name: 'Turn on two-factor' }).click();
  const codeList = section.getByRole('list', { name: 'Recovery codes' });
  await codeList.waitFor();
  const recoveryCodes = (await codeList.getByRole('listitem').allTextContents()).map((c) => c.trim());
  expect(recoveryCodes).toHaveLength(10);
  await section.getByRole('button', { name: 'I have saved them' }).click();
  await section.getByText('Two-factor authentication is on. Recovery codes left: 10.').waitFor();
  await logOut(page);

  // The password alone is not enough now: the second step asks for the app's code.
  await passwordStep(page, user);
  const code = page.getByLabel('Authentication code');
  await code.waitFor();
  expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
  expect(await code.getAttribute('inputmode')).toBe('numeric');
  expect(await seriousViolations(page)).toEqual([]);
  await code.fill(await codeFor(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL('**/chats');
  await page.goto(`${e2e.server.url}/profile`);
  await page.getByRole('list', { name: 'Your devices' }).getByText('two-factor').waitFor();
  await logOut(page);

  // A recovery code instead of the app, once.
  const [recovery] = recoveryCodes;
  await passwordStep(page, user);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recovery ?? '');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL('**/chats');
  await page.goto(`${e2e.server.url}/profile`);
  await page
    .getByRole('region', { name: 'Two-factor authentication' })
    .getByText('Recovery codes left: 9.')
    .waitFor();
  await logOut(page);

  await passwordStep(page, user);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recovery ?? '');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText('That code is not right, or was already used.').waitFor();
  expect(new URL(page.url()).pathname).toBe('/login');
  await context.close();
});
