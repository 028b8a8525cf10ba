import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createPigeonClient } from '@pigeon/client';
import { codeOf } from '@pigeon/test-utils';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { expect, it } from 'vitest';
import {
  friendsWithConversation,
  logIn,
  screenshots,
  seriousViolations,
  webServerAndBrowserForFile,
} from '../src/browser';

const e2e = webServerAndBrowserForFile();

const conversationLink = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Conversations' }).getByRole('link').filter({ hasText: name });

it('creates a group, chats in it with names on messages, renames it, removes a member and leaves', async () => {
  const { one, two, close } = await friendsWithConversation(e2e.server.url, 'grp');
  // A third friend of the owner's, who stays a bot.
  const three = createPigeonClient({ url: e2e.server.url, WebSocket });
  const tag = randomUUID().slice(0, 6);
  const { user: threeUser } = await three.auth.register.mutate({
    username: `grp3_${tag}`,
    email: `grp3_${tag}@example.com`,
    password: 'grp password three',
  });
  const { request } = await three.friends.request.mutate({ userId: one.id });
  await one.client.friends.accept.mutate({ requestId: request.id });

  const contexts = await Promise.all([e2e.browser.newContext(), e2e.browser.newContext()]);
  const [owner, member] = await Promise.all(contexts.map((c) => c.newPage()));
  if (!owner || !member) throw new Error('no pages');
  for (const page of [owner, member]) page.on('dialog', (dialog) => void dialog.accept());
  await logIn(owner, e2e.server.url, one);
  await logIn(member, e2e.server.url, two);
  await expect
    .poll(() => member.locator('[data-connection]').getAttribute('data-connection'), { timeout: 15_000 })
    .toBe('connected');

  await owner.getByRole('button', { name: 'New group' }).click();
  const form = owner.getByRole('form', { name: 'New group' });
  await form.getByLabel('Group name').fill('Weekend');
  await form.getByLabel(two.username).check();
  await form.getByLabel(threeUser.username).check();
  await form.getByRole('button', { name: 'Create group' }).click();
  await owner.waitForURL(/\/chats\/[0-9a-f-]{36}$/);
  const groupId = owner.url().split('/').at(-1) ?? '';
  await owner.getByRole('heading', { name: 'Weekend' }).waitFor();

  // The member's list gains the group live, from the event stream.
  await conversationLink(member, 'Weekend').click();
  await owner.getByLabel('Message Weekend').fill('hi all');
  await owner.getByLabel('Message Weekend').press('Enter');
  await member.getByTestId('message-body').filter({ hasText: 'hi all' }).waitFor();
  await three.messages.send.mutate({
    conversationId: groupId,
    body: 'hey from three',
    clientId: randomUUID(),
  });
  // In a group each message from someone else carries its sender's name.
  const fromThree = member.getByTestId('message').filter({ hasText: 'hey from three' });
  await expect.poll(() => fromThree.getByTestId('sender').textContent()).toBe(threeUser.username);
  expect(
    await member.getByTestId('message').filter({ hasText: 'hi all' }).getByTestId('sender').textContent(),
  ).toBe(one.username);

  // The owner manages it: rename (the member's screen follows), then remove the third person.
  await owner.getByRole('button', { name: 'Conversation options' }).click();
  await owner.getByRole('menuitemcheckbox', { name: 'Members' }).click();
  const panel = owner.getByRole('complementary', { name: 'Group members' });
  await panel.getByLabel('Group name').fill('Weekend trip');
  await panel.getByRole('button', { name: 'Rename' }).click();
  await member.getByRole('heading', { name: 'Weekend trip' }).waitFor();
  expect(await seriousViolations(owner)).toEqual([]);
  mkdirSync(screenshots, { recursive: true });
  await owner.setViewportSize({ width: 1280, height: 800 });
  await owner.screenshot({ path: `${screenshots}group-desktop-light.png` });
  await panel
    .getByRole('listitem')
    .filter({ hasText: threeUser.username })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect.poll(() => panel.getByRole('list', { name: 'Members' }).getByRole('listitem').count()).toBe(2);
  expect(await codeOf(three.messages.history.query({ conversationId: groupId }))).toBe('NOT_FOUND');

  // The member leaves: the group is gone from their list; the owner sees them go.
  await member.getByRole('button', { name: 'Conversation options' }).click();
  await member.getByRole('menuitemcheckbox', { name: 'Members' }).click();
  await member.getByRole('button', { name: 'Leave group' }).click();
  await member.waitForURL('**/chats');
  await expect.poll(() => conversationLink(member, 'Weekend trip').count()).toBe(0);
  await expect.poll(() => panel.getByRole('list', { name: 'Members' }).getByRole('listitem').count()).toBe(1);

  await Promise.all(contexts.map((c) => c.close()));
  await three.$close();
  await close();
});
