import { expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

/** A tRPC call over HTTP with a bearer token, as a script would make it. */
async function callAs(secret: string, path: string, input?: unknown) {
  const url = `${e2e.server.url}/trpc/${path}`;
  const res =
    input === undefined
      ? await fetch(url, { headers: { authorization: `Bearer ${secret}` } })
      : await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
  return { status: res.status, body: (await res.json()) as { result?: { data?: Record<string, unknown> } } };
}

it('makes, copies, uses and revokes an API token, and runs a bot, from the profile page', async () => {
  const { one: me, close } = await friendsWithConversation(e2e.server.url, 'tok');
  const context = await e2e.browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.server.url });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await logIn(page, e2e.server.url, me);
  await page.goto(`${e2e.server.url}/profile`);

  // A personal token: the secret is shown once, copied, and works as a Bearer token.
  const tokens = page.getByRole('region', { name: 'API tokens' });
  await tokens.getByText('No API tokens.').waitFor();
  await tokens.getByLabel('Token name').fill('backup script');
  await tokens.getByLabel('Access').selectOption('read');
  await tokens.getByLabel('Expires after').selectOption({ label: 'Never' });
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const shown = tokens.getByLabel(/Copy it now: it will not be shown again/);
  const secret = await shown.inputValue();
  expect(secret).toMatch(/^pgn_[A-Za-z0-9_-]{43}$/);
  await tokens.getByRole('button', { name: 'Copy' }).click();
  await tokens.getByRole('button', { name: 'Copied' }).waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  const list = tokens.getByRole('list', { name: 'API tokens of you' });
  await list.getByText('backup script').waitFor();
  await list.getByText('(read only)').waitFor();
  expect((await callAs(secret, 'auth.me')).body.result?.data).toMatchObject({ id: me.id, isBot: false });
  expect((await callAs(secret, 'friends.remove', { userId: me.id })).status).toBe(403);
  expect(await seriousViolations(page)).toEqual([]);
  await tokens.getByRole('button', { name: 'Done' }).click();
  expect(await page.content()).not.toContain(secret);
  await page.reload();
  await list
    .getByText('never used')
    .or(list.getByText(/last used/))
    .waitFor();
  expect(await page.content()).not.toContain(secret);
  await list.getByRole('button', { name: 'Revoke backup script' }).click();
  await tokens.getByText('No API tokens.').waitFor();
  expect((await callAs(secret, 'auth.me')).status).toBe(401);

  // A bot: made here, given a token, and shown as a bot to the person it talks to.
  const bots = page.getByRole('region', { name: 'Bots' });
  const botName = `helper_${me.id.slice(0, 6)}`;
  await bots.getByLabel('New bot’s username').fill(botName);
  await bots.getByRole('button', { name: 'Create bot' }).click();
  const botItem = bots
    .getByRole('list', { name: 'Your bots' })
    .getByRole('listitem')
    .filter({ hasText: botName });
  await botItem.getByText('bot', { exact: true }).waitFor();
  await botItem.getByText(`Tokens of ${botName} (0)`).click();
  await botItem.getByLabel('Token name').fill('bot key');
  await botItem.getByRole('button', { name: 'Create token' }).click();
  const botSecret = await botItem.getByLabel(/Copy it now/).inputValue();
  await botItem.getByText(`Tokens of ${botName} (1)`).waitFor();
  const botMe = (await callAs(botSecret, 'auth.me')).body.result?.data;
  expect(botMe).toMatchObject({ username: botName, isBot: true });
  expect((await callAs(botSecret, 'friends.request', { userId: me.id })).status).toBe(200);
  await page.goto(`${e2e.server.url}/people`);
  const incoming = page.getByRole('list', { name: 'Incoming requests' }).getByRole('listitem');
  await incoming.filter({ hasText: botName }).getByText('bot', { exact: true }).waitFor();

  // Deleting the bot ends its token at once.
  await page.goto(`${e2e.server.url}/profile`);
  await bots.getByRole('button', { name: `Delete ${botName}` }).click();
  await bots.getByText('No bots yet.').waitFor();
  expect((await callAs(botSecret, 'auth.me')).status).toBe(401);

  await context.close();
  await close();
});
