import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

/** Fills the sign-up form at `path` and submits it. */
async function signUp(page: Page, url: string) {
  const name = `inv_${randomUUID().slice(0, 6)}`;
  await page.goto(url);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Email').fill(`${name}@example.com`);
  await page.getByLabel('Password').fill('an invited password');
  await page.getByRole('button', { name: 'Create account' }).click();
  return name;
}

it('the first account administers the server: invite-only sign-up by link, deactivation that logs a person out at once', async () => {
  // Made first through the API, so the server's admin; the second is an ordinary account.
  const { one: admin, two: member, close } = await friendsWithConversation(e2e.server.url, 'adm');
  const [adminContext, memberContext, guestContext] = await Promise.all([
    e2e.browser.newContext(),
    e2e.browser.newContext(),
    e2e.browser.newContext(),
  ]);
  const [adminPage, memberPage, guestPage] = await Promise.all(
    [adminContext, memberContext, guestContext].map((c) => c.newPage()),
  );
  if (!adminPage || !memberPage || !guestPage) throw new Error('no pages');
  adminPage.on('dialog', (dialog) => void dialog.accept());

  await logIn(memberPage, e2e.server.url, member);
  expect(await memberPage.getByRole('link', { name: 'Admin' }).count()).toBe(0);

  await logIn(adminPage, e2e.server.url, admin);
  await adminPage.getByRole('link', { name: 'Admin' }).click();
  await adminPage.getByRole('heading', { name: 'Admin' }).waitFor();
  const accounts = adminPage.getByRole('region', { name: 'Server' }).getByText('Accounts').locator('..');
  await expect.poll(() => accounts.textContent()).toContain('2');
  expect(await seriousViolations(adminPage)).toEqual([]);

  // Invite-only: a visitor without a link is told why; the link lets one person in.
  // The radio follows the server's answer, so it turns on once the change is saved.
  await adminPage.getByRole('radio', { name: /Invite only/ }).click();
  await expect.poll(() => adminPage.getByRole('radio', { name: /Invite only/ }).isChecked()).toBe(true);
  await signUp(guestPage, `${e2e.server.url}/register`);
  await guestPage
    .getByRole('alert')
    .getByText(/invite-only/)
    .waitFor();

  await adminPage.getByRole('button', { name: 'Make an invite link' }).click();
  const link = await adminPage.getByRole('textbox', { name: 'Invite link' }).inputValue();
  expect(link).toMatch(/\/register\?invite=/);
  const invited = await signUp(guestPage, link);
  await guestPage.waitForURL('**/chats');
  // Used up (one use): the same link no longer works.
  const other = await (await e2e.browser.newContext()).newPage();
  await signUp(other, link);
  await other
    .getByRole('alert')
    .getByText(/used up/)
    .waitFor();

  // The admin finds the new account and deactivates it: its open tab is logged out at once.
  await adminPage.getByRole('searchbox', { name: 'Find by username or email' }).fill(invited);
  const list = adminPage.getByRole('list', { name: 'Accounts' });
  await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
  await adminPage.getByRole('button', { name: `Deactivate ${invited}` }).click();
  await list.getByText('deactivated').waitFor();
  await guestPage.getByRole('link', { name: 'Create an account' }).waitFor({ timeout: 15_000 });

  // And delete the ordinary member, after the confirmation: their tab ends too.
  await adminPage.getByRole('searchbox', { name: 'Find by username or email' }).fill(member.username);
  await adminPage.getByRole('button', { name: `Delete ${member.username}` }).click();
  await expect.poll(() => list.getByRole('listitem').count()).toBe(0);
  await memberPage.getByRole('link', { name: 'Create an account' }).waitFor({ timeout: 15_000 });

  await Promise.all([adminContext, memberContext, guestContext, other.context()].map((c) => c.close()));
  await close();
}, 120_000);
