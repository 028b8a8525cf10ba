// Getting back into an account, in Chromium: "Forgot password?" mails a link through a real SMTP
// server on loopback; the link opens the reset page, the new password logs every old session
// out and works at once. Without SMTP, the login page sends people to the admin, whose reset
// link does the same.
import { randomUUID } from 'node:crypto';
import { createPigeonClient } from '@pigeon/client';
import { linkIn, startSmtpInbox, type SmtpInbox, freePort } from '@pigeon/test-utils';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchChromium, logIn, seriousViolations, startWebServer, type WebServer } from '../src/browser';

async function register(url: string, prefix: string) {
  const username = `${prefix}_${randomUUID().slice(0, 6)}`;
  const account = { username, email: `${username}@example.com`, password: `${prefix} old password` };
  const client = createPigeonClient({ url, WebSocket });
  await client.auth.register.mutate(account);
  await client.$close();
  return account;
}

let inbox: SmtpInbox;
let withEmail: WebServer;
let withoutEmail: WebServer;
let browser: Browser;
beforeAll(async () => {
  inbox = await startSmtpInbox();
  const port = await freePort();
  withEmail = await startWebServer({
    port,
    email: {
      smtp: { url: inbox.url },
      from: 'Pigeon <no-reply@pigeon.test>',
      publicUrl: `http://127.0.0.1:${port}`,
    },
  });
  withoutEmail = await startWebServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
  await withEmail.close();
  await withoutEmail.close();
  await inbox.close();
});

it('a reset asked for in the browser arrives by email; its link sets a new password and logs the old session out', async () => {
  const user = await register(withEmail.url, 'forgetful');
  const oldContext = await browser.newContext();
  const oldPage = await oldContext.newPage();
  await logIn(oldPage, withEmail.url, user);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${withEmail.url}/login`);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await page.getByRole('status').getByText(`If an account uses ${user.email}`).waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  const mail = await inbox.waitFor((m) => m.to.includes(user.email) && /Reset/.test(m.subject));
  const link = linkIn(mail, `${withEmail.url}/reset?token=`);
  await page.goto(link);
  const field = page.getByLabel('New password');
  // The sign-up's rules: a common password is refused with the reason, the link still usable.
  await field.fill('password123');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.getByText(/one of the most common ones/).waitFor();
  const newPassword = 'tangerine otter seventeen';
  await field.fill(newPassword);
  await page.getByRole('meter', { name: 'Strength' }).waitFor({ timeout: 20_000 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.getByRole('status').getByText(`The password of ${user.username} is changed`).waitFor();

  // The tab logged in with the old password is logged out at once.
  await oldPage.getByRole('link', { name: 'Create an account' }).waitFor({ timeout: 15_000 });

  // The link worked once.
  await page.goto(link);
  await field.fill('another fine long password');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page
    .getByRole('alert')
    .getByText(/expired or has already been used/)
    .waitFor();

  await logIn(page, withEmail.url, { username: user.username, password: newPassword });
  await Promise.all([context.close(), oldContext.close()]);
}, 120_000);

it('without email, "Forgot password?" sends people to the admin, whose reset link works the same', async () => {
  const admin = await register(withoutEmail.url, 'admin');
  const user = await register(withoutEmail.url, 'lockedout');
  const [adminContext, userContext] = await Promise.all([browser.newContext(), browser.newContext()]);
  const [adminPage, userPage] = await Promise.all([adminContext.newPage(), userContext.newPage()]);

  await userPage.goto(`${withoutEmail.url}/login`);
  await userPage.getByRole('link', { name: 'Forgot password?' }).click();
  await userPage.getByText(/This server does not send email/).waitFor();
  await userPage.getByText(/Ask the server’s admin/).waitFor();

  await logIn(adminPage, withoutEmail.url, admin);
  await adminPage.goto(`${withoutEmail.url}/admin`);
  await adminPage.getByRole('searchbox', { name: 'Find by username or email' }).fill(user.username);
  await adminPage.getByRole('button', { name: `Password reset link for ${user.username}` }).click();
  const shown = adminPage.getByRole('textbox', { name: `Reset link for ${user.username}` });
  await shown.waitFor();
  const link = await shown.inputValue();
  expect(link).toMatch(new RegExp(`^${withoutEmail.url}/reset\\?token=`));

  await userPage.goto(link);
  const newPassword = 'given back by the admin';
  await userPage.getByLabel('New password').fill(newPassword);
  await userPage.getByRole('button', { name: 'Set new password' }).click();
  await userPage
    .getByRole('status')
    .getByText(/is changed/)
    .waitFor();
  await userPage.getByRole('link', { name: 'Log in', exact: true }).click();
  await userPage.getByLabel('Username').fill(user.username);
  await userPage.getByLabel('Password').fill(newPassword);
  await userPage.getByRole('button', { name: 'Log in' }).click();
  await userPage.waitForURL('**/chats');
  await Promise.all([adminContext.close(), userContext.close()]);
}, 120_000);

it('the verification link mailed on sign-up confirms the address, as the profile then shows', async () => {
  const user = await register(withEmail.url, 'verifier');
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, withEmail.url, user);
  await page.goto(`${withEmail.url}/profile`);
  await page.getByText(/Email not verified yet/).waitFor();

  const mail = await inbox.waitFor((m) => m.to.includes(user.email) && /Confirm/.test(m.subject));
  await page.goto(linkIn(mail, `${withEmail.url}/verify?token=`));
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await page.getByRole('status').getByText(`${user.email} is confirmed`).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto(`${withEmail.url}/profile`);
  await page.getByText('Email verified.').waitFor();
  await context.close();
}, 120_000);
