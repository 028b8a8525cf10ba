// Common passwords are refused with the reason, and the strength meter (zxcvbn-ts, loaded only
// when a form needs it) shows under sign-up and change-password.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { seriousViolations, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

it('the login page never loads the estimator; sign-up loads it, shows the meter and refuses a common password', async () => {
  const context = await e2e.browser.newContext();
  const page = await context.newPage();
  const estimatorRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('zxcvbn')) estimatorRequests.push(request.url());
  });

  await page.goto(`${e2e.server.url}/login`);
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  expect(estimatorRequests).toEqual([]);
  expect(await page.getByRole('meter').count()).toBe(0);

  const username = `meter_${randomUUID().slice(0, 6)}`;
  await page.goto(`${e2e.server.url}/register`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.com`);
  await page.getByLabel('Password').fill('password');
  const meter = page.getByRole('meter', { name: 'Strength' });
  await meter.waitFor({ timeout: 20_000 });
  expect(estimatorRequests.length).toBeGreaterThan(0);
  expect(await meter.getAttribute('aria-valuetext')).toBe('Very weak');
  await page.getByText(/This is a heavily used password/).waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Create account' }).click();
  const reason = /one of the most common ones, which attackers try first/;
  await page.getByRole('alert').getByText(reason).waitFor();
  // The same reason stands under the password field, which is marked invalid.
  expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
  expect(page.url()).toContain('/register');

  await page.getByLabel('Password').fill('tangerine otter seventeen');
  await expect.poll(() => meter.getAttribute('aria-valuetext'), { timeout: 10_000 }).toBe('Strong');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/chats');

  // Changing the password: the meter again, and the same refusal with the reason.
  await page.goto(`${e2e.server.url}/profile`);
  await page.getByLabel('Current password').fill('tangerine otter seventeen');
  await page.getByLabel('New password').fill('iloveyou1');
  await page.getByRole('meter', { name: 'Strength' }).waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('alert').getByText(reason).waitFor();
  await context.close();
});
