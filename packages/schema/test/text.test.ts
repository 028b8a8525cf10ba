import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  changePasswordInput,
  createGroupInput,
  deleteAccountInput,
  editMessageInput,
  eventsSubscribeInput,
  friendRequestInput,
  isStorableText,
  loginInput,
  refreshInput,
  registerInput,
  renameGroupInput,
  searchMessagesInput,
  sendMessageInput,
  UNSTORABLE_TEXT_MESSAGE,
  updateProfileInput,
  userSearchInput,
  withoutUnstorable,
} from '../src';

const uuid = '6f1c1b8e-3a0b-4c55-9a4e-1d2f3a4b5c6d';
const UNSTORABLE = ['\u0000', '\uD800', '\uDFFF', 'a\uDC00b', '\uDBFFx'];

describe('isStorableText', () => {
  it.each(UNSTORABLE.map((s) => [JSON.stringify(s), s]))('refuses %s', (_name, value) => {
    expect(isStorableText(`before${value}after`)).toBe(false);
  });

  it.each([
    ['an emoji (a surrogate pair)', '𝕏 👍🏽'],
    ['right-to-left overrides', '\u202Eabc\u202D'],
    ['other control characters', '\u0001\u001b[31m\u007f'],
    ['a BOM and zero-width joiners', '\uFEFF👨\u200D👩'],
  ])('accepts %s', (_name, value) => {
    expect(isStorableText(value)).toBe(true);
  });

  it('drops exactly the unstorable characters', () => {
    expect(withoutUnstorable('a\u0000b\uD800c𝕏\uDFFF')).toBe('abc𝕏');
  });
});

/** Every input with a text field that reaches the database, with the field to spoil. */
const cases: [string, z.ZodType, Record<string, unknown>, string][] = [
  ['messages.send body', sendMessageInput, { conversationId: uuid, clientId: uuid, body: 'hi' }, 'body'],
  ['messages.edit body', editMessageInput, { messageId: 1, body: 'hi' }, 'body'],
  ['group name', createGroupInput, { name: 'team', memberIds: [uuid] }, 'name'],
  ['group rename', renameGroupInput, { conversationId: uuid, name: 'team' }, 'name'],
  ['login username', loginInput, { username: 'alice', password: 'whatever1' }, 'username'],
  [
    'register username',
    registerInput,
    { username: 'alice', email: 'a@b.co', password: 'x'.repeat(12) },
    'username',
  ],
  [
    'register email',
    registerInput,
    { username: 'alice', email: 'a@b.co', password: 'x'.repeat(12) },
    'email',
  ],
  [
    'register password',
    registerInput,
    { username: 'alice', email: 'a@b.co', password: 'x'.repeat(12) },
    'password',
  ],
  [
    'new password',
    changePasswordInput,
    { currentPassword: 'old', newPassword: 'x'.repeat(12) },
    'newPassword',
  ],
  ['profile username', updateProfileInput, { username: 'alice' }, 'username'],
  ['user search cursor', userSearchInput, { query: 'al', cursor: 'alice' }, 'cursor'],
  ['refresh token', refreshInput, { refreshToken: 'token' }, 'refreshToken'],
  ['lastEventId', eventsSubscribeInput, { lastEventId: '12' }, 'lastEventId'],
];

describe.each(cases)('%s', (_name, schema, valid, field) => {
  it('accepts the valid input', () => {
    expect(schema.safeParse(valid).success).toBe(true);
  });

  it.each(UNSTORABLE.map((s) => [JSON.stringify(s), s]))(
    'refuses %s with the readable message',
    (_n, bad) => {
      const result = schema.safeParse({ ...valid, [field]: `ab${bad}cd` });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.message)).toEqual([UNSTORABLE_TEXT_MESSAGE]);
    },
  );
});

it('a friend request by a name with a NUL is refused (the union names its two shapes)', () => {
  expect(friendRequestInput.safeParse({ username: 'al\u0000ice' }).success).toBe(false);
});

describe('search queries', () => {
  it.each([
    ['messages', searchMessagesInput],
    ['users', userSearchInput],
  ] as const)('%s: drop the unstorable characters instead of refusing', (_name, schema) => {
    expect(schema.parse({ query: 'ab\u0000c\uD800' }).query).toBe('abc');
  });

  it('still applies the length rules to what is left', () => {
    expect(searchMessagesInput.safeParse({ query: 'a\u0000' }).success).toBe(false);
  });
});

describe('passwords being checked, not set', () => {
  it('keep only their bounds, so no existing password is locked out', () => {
    expect(loginInput.safeParse({ username: 'alice', password: 'a\u0000\uD800' }).success).toBe(true);
    expect(deleteAccountInput.safeParse({ password: 'a\u0000' }).success).toBe(true);
    expect(
      changePasswordInput.safeParse({ currentPassword: '\uD800', newPassword: 'x'.repeat(12) }).success,
    ).toBe(true);
  });
});
