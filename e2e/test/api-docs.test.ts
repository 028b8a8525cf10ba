import { expect, it } from 'vitest';
import { screenshots, webServerAndBrowserForFile } from '../src/browser';

const e2e = webServerAndBrowserForFile();

it('renders the API reference at /api/docs from the served document, self-hosted and within its policy', async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  const origin = new URL(e2e.server.url).origin;
  const elsewhere: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith('http') && url.origin !== origin) elsewhere.push(r.url());
  });
  await page.goto(`${e2e.server.url}/api/docs`);
  await page.getByRole('heading', { name: 'Pigeon REST API' }).first().waitFor({ timeout: 30_000 });
  // The operations come from the document, listed by their summaries, group by group.
  await page.getByText('Log in (JSON, or an OAuth2 password form)').first().waitFor();
  await page
    .getByRole('button', { name: /Conversations/ })
    .first()
    .click();
  await page.getByText('Send a message (idempotent by clientId)').first().waitFor({ timeout: 10_000 });
  await page.screenshot({ path: `${screenshots}api-docs.png` });
  expect(problems).toEqual([]);
  // Nothing is fetched from a CDN: the page works on an offline, self-hosted server.
  expect(elsewhere).toEqual([]);
  await context.close();
});
