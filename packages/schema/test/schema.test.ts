import { describe, expect, it } from 'vitest';
import {
  eventsSubscribeInput,
  friendRequestInput,
  limits,
  pigeonEvent,
  registerInput,
  sendMessageInput,
  attachmentName,
  userSearchInput,
} from '../src';

const uuid = '6f1c1b8e-3a0b-4c55-9a4e-1d2f3a4b5c6d';

describe('registerInput', () => {
  it('accepts a plain username and email, and trims them', () => {
    expect(
      registerInput.parse({ username: '  alice_1 ', email: ' alice@example.com ', password: 'long enough' }),
    ).toEqual({
      username: 'alice_1',
      email: 'alice@example.com',
      password: 'long enough',
      cookie: false,
    });
  });

  it.each(['', 'alice', 'alice@', '@example.com', `${'a'.repeat(250)}@example.com`])(
    'refuses the email %j with a readable message',
    (email) => {
      const result = registerInput.safeParse({ username: 'alice', email, password: 'long enough' });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['email']);
      expect(result.error?.issues[0]?.message).toMatch(/email/i);
    },
  );

  it.each([
    ['ab', /at least 3/],
    ['x'.repeat(33), /at most 32/],
    ['al ice', /letters, digits/],
    ['<script>', /letters, digits/],
  ])('refuses the username %s with a readable message', (username, message) => {
    const result = registerInput.safeParse({
      username,
      email: 'someone@example.com',
      password: 'long enough',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });

  it('bounds the password on both sides', () => {
    expect(registerInput.safeParse({ username: 'alice', password: 'short' }).success).toBe(false);
    expect(
      registerInput.safeParse({ username: 'alice', password: 'p'.repeat(limits.password.max + 1) }).success,
    ).toBe(false);
  });
});

describe('sendMessageInput', () => {
  it('accepts up to the limit and no further', () => {
    const body = 'é'.repeat(limits.messageBody.max);
    expect(sendMessageInput.safeParse({ conversationId: uuid, clientId: uuid, body }).success).toBe(true);
    expect(
      sendMessageInput.safeParse({ conversationId: uuid, clientId: uuid, body: body + 'x' }).success,
    ).toBe(false);
  });

  it('refuses whitespace-only bodies but keeps the body as written', () => {
    expect(sendMessageInput.safeParse({ conversationId: uuid, clientId: uuid, body: ' \n\t ' }).success).toBe(
      false,
    );
    expect(sendMessageInput.parse({ conversationId: uuid, clientId: uuid, body: ' hi\n' }).body).toBe(
      ' hi\n',
    );
  });

  it('allows empty text only with attachments, distinct and at most the hard cap', () => {
    const base = { conversationId: uuid, clientId: uuid, body: '' };
    const ids = (n: number) =>
      Array.from({ length: n }, (_, i) => `6f1c1b8e-3a0b-4c55-9a4e-${String(i).padStart(12, '0')}`);
    expect(sendMessageInput.safeParse({ ...base, attachmentIds: ids(1) }).success).toBe(true);
    expect(sendMessageInput.safeParse({ ...base, attachmentIds: [] }).success).toBe(false);
    expect(sendMessageInput.safeParse(base).success).toBe(false);
    expect(sendMessageInput.safeParse({ ...base, attachmentIds: [uuid, uuid] }).success).toBe(false);
    expect(
      sendMessageInput.safeParse({ ...base, attachmentIds: ids(limits.attachmentsPerMessage.max) }).success,
    ).toBe(true);
    expect(
      sendMessageInput.safeParse({ ...base, attachmentIds: ids(limits.attachmentsPerMessage.max + 1) })
        .success,
    ).toBe(false);
  });
});

describe('attachmentName', () => {
  it('takes ordinary names and refuses paths, control characters and dot names', () => {
    for (const name of ['photo.jpg', 'Résumé (final) 2.pdf', '日本語.txt'])
      expect(attachmentName.safeParse(name).success).toBe(true);
    for (const name of [
      '',
      ' ',
      '../x',
      'a/b',
      'a\\b',
      'a\nb',
      '.',
      '..',
      'x'.repeat(limits.attachmentName.max + 1),
    ]) {
      expect(attachmentName.safeParse(name).success, JSON.stringify(name)).toBe(false);
    }
  });
});

describe('other inputs', () => {
  it('takes a friend request by username or by id, nothing else', () => {
    expect(friendRequestInput.safeParse({ username: 'bob' }).success).toBe(true);
    expect(friendRequestInput.safeParse({ userId: uuid }).success).toBe(true);
    expect(friendRequestInput.safeParse({ userId: 'bob' }).success).toBe(false);
    expect(friendRequestInput.safeParse({}).success).toBe(false);
  });

  it('defaults and bounds search pages', () => {
    expect(userSearchInput.parse({ query: 'a' }).limit).toBe(limits.page.default);
    expect(userSearchInput.safeParse({ query: 'a', limit: limits.page.max + 1 }).success).toBe(false);
  });

  it('accepts only numeric lastEventIds', () => {
    expect(eventsSubscribeInput.safeParse({ lastEventId: '42' }).success).toBe(true);
    expect(eventsSubscribeInput.safeParse({ lastEventId: null }).success).toBe(true);
    expect(eventsSubscribeInput.safeParse({ lastEventId: '1; drop table' }).success).toBe(false);
  });

  it('knows its event types and refuses unknown ones', () => {
    expect(pigeonEvent.safeParse({ v: 1, type: 'friend.request_declined', requestId: uuid }).success).toBe(
      true,
    );
    expect(pigeonEvent.safeParse({ v: 1, type: 'something.new' }).success).toBe(false);
  });
});
