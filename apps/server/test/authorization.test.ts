// The authorization matrix: every procedure of the router, called by someone who must not get
// through. The cases are keyed by procedure path and checked against the router itself, so a new
// procedure without a row here fails the suite. The same rows are then called with personal API
// tokens: the owner's (write, read, revoked) and a stranger's.
import { appRouter } from '@pigeon/api';
import type { PigeonClient } from '@pigeon/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, linkIn, startSmtpInbox, type SmtpInbox } from '@pigeon/test-utils';
import type { ServerConfig } from '../src/config';
import { clientWithApiToken, makeApiToken } from './api-token-clients';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';
import { enableTwoFactor, passwordStep } from './two-factor-helpers';

type User = Awaited<ReturnType<ReturnType<typeof useTestServer>['user']>>;

/** The owner's world that outsiders try to reach. */
interface World {
  /** The server's admin: its first account. */
  admin: User;
  owner: User;
  friend: User;
  /** Wants to be the owner's friend: their request waits for the owner's answer. */
  suitor: User;
  /** Known to nobody: anyone may ask them for friendship. */
  loner: User;
  /** Was the owner's friend, then blocked by the owner; they kept their old conversation. */
  blockedUser: User;
  exConversationId: string;
  /** The owner's message and the blocked person's own, in that old conversation. */
  exOwnerMessageId: number;
  exTheirMessageId: number;
  /** The owner's own pending request, to the loner. */
  outgoingRequestId: string;
  conversationId: string;
  /** A message of the friend's in the conversation. */
  messageId: number;
  /** A message of the owner's in the conversation. */
  ownMessageId: number;
  requestId: string;
  /** The owner's group, with the friend; `exMember` was in it too until the owner removed them. */
  groupId: string;
  exMember: User;
  /** The owner's message in the group, and the ex-member's own from before the removal. */
  groupMessageId: number;
  exMemberMessageId: number;
  /** The owner's bot, and a token of the bot's. */
  botId: string;
  botTokenId: string;
}

/** How an outsider must be answered: a refusal code, or 'own' when the call only touches their own data. */
type Expected = 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'own' | 'public';

interface Row {
  /** The call, with the owner's ids; made as the owner first to prove it is well-formed. */
  call: (client: PigeonClient, w: World) => Promise<unknown>;
  anonymous: Expected;
  stranger: Expected;
  /** For 'own' calls: what the stranger gets must not reveal the owner's world. */
  revealsNothing?: (result: unknown, w: World) => void;
  /**
   * Someone the owner blocked, calling with the ids of their old conversation with the owner
   * (see `asSeenByBlocked`); when absent, the same as for a stranger.
   */
  blocked?: Expected;
  blockedRevealsNothing?: (result: unknown, w: World) => void;
  /**
   * Someone removed from the owner's group, calling with the group's ids (see `asSeenByRemoved`);
   * when absent, the same as for a stranger. Whatever they get never names the group.
   */
  removed?: Expected;
  /** Calls that change the owner's state are proven on a copy of the world, not the shared one. */
  consumes?: true;
  /** Managing the account (see trpc.ts `loginOnlyProcedure`): any API token gets FORBIDDEN. */
  loginOnly?: true;
  /**
   * The admin column: only the server's admin gets through; the owner (an ordinary account) and
   * everyone else get FORBIDDEN. The admin makes the well-formed call.
   */
  adminOnly?: true;
}

/** The world as the blocked person reaches for it: their old conversation, the owner as target. */
const asSeenByBlocked = (w: World): World => ({
  ...w,
  conversationId: w.exConversationId,
  messageId: w.exOwnerMessageId,
  ownMessageId: w.exTheirMessageId,
  friend: w.owner,
  loner: w.owner,
  blockedUser: w.owner,
});

/** The world as the removed member reaches for it: the group they were in, and its messages. */
const asSeenByRemoved = (w: World): World => ({
  ...w,
  conversationId: w.groupId,
  messageId: w.groupMessageId,
  ownMessageId: w.exMemberMessageId,
});

const noOwnerIds = (result: unknown, w: World) => {
  const text = JSON.stringify(result);
  expect(text).not.toContain(w.conversationId);
  expect(text).not.toContain(w.requestId);
};

/** A real SMTP server on loopback, so the email procedures can be called well-formed. */
let inbox: SmtpInbox;
const PUBLIC_URL = 'http://chat.pigeon.test';
/** Filled in once the inbox listens, before the servers start (their hooks run after these). */
const withEmail: Partial<ServerConfig> = {};
beforeAll(async () => {
  inbox = await startSmtpInbox();
  withEmail.email = {
    smtp: { url: inbox.url },
    from: 'Pigeon <no-reply@pigeon.test>',
    publicUrl: PUBLIC_URL,
  };
});
afterAll(() => inbox.close());

/** The token of the verification link mailed to a new account. */
async function verificationToken(email: string): Promise<string> {
  const mail = await inbox.waitFor((m) => m.to.includes(email.toLowerCase()) && /Confirm/.test(m.subject));
  return new URL(linkIn(mail, `${PUBLIC_URL}/verify?token=`)).searchParams.get('token') ?? '';
}

const matrix: Record<string, Row> = {
  // Public calls are made with a fresh client each: they would replace a client's session.
  'auth.register': {
    call: (c) =>
      c.auth.register.mutate({
        username: `new_${newClientId().slice(0, 8)}`,
        email: `new_${newClientId().slice(0, 8)}@example.com`,
        password: 'a long password',
      }),
    anonymous: 'public',
    stranger: 'public',
  },
  'auth.registration': {
    call: (c) => c.auth.registration.query(),
    anonymous: 'public',
    stranger: 'public',
  },
  'auth.login': {
    call: (c, w) => c.auth.login.mutate({ username: w.owner.username, password: w.owner.password }),
    anonymous: 'public',
    stranger: 'public',
  },
  'auth.refresh': {
    call: async (c, w) => {
      const { refreshToken } = await c.auth.login.mutate({
        username: w.owner.username,
        password: w.owner.password,
      });
      return c.auth.refresh.mutate({ refreshToken: refreshToken ?? '' });
    },
    anonymous: 'public',
    stranger: 'public',
  },
  'auth.resume': {
    // Only a browser's cookie names a session here; any other caller learns nothing.
    call: (c) => c.auth.resume.mutate(),
    anonymous: 'public',
    stranger: 'public',
  },
  'auth.recovery': {
    call: (c) => c.auth.recovery.query(),
    anonymous: 'public',
    stranger: 'public',
  },
  'auth.requestPasswordReset': {
    // Answers the same for every address; the link goes only to the address's mailbox.
    call: (c, w) => c.auth.requestPasswordReset.mutate({ email: w.owner.email }),
    anonymous: 'public',
    stranger: 'public',
  },
  'auth.resetPassword': {
    // Whoever holds the link may use it (that is what it is for): the admin's link here.
    call: async (c, w) => {
      const { path } = await w.admin.client.admin.passwordResetLink.mutate({ userId: w.owner.id });
      const token = new URL(path, PUBLIC_URL).searchParams.get('token') ?? '';
      return c.auth.resetPassword.mutate({ token, newPassword: 'a brand new long secret' });
    },
    anonymous: 'public',
    stranger: 'public',
    consumes: true,
  },
  'auth.verifyEmail': {
    call: async (c, w) => c.auth.verifyEmail.mutate({ token: await verificationToken(w.owner.email) }),
    anonymous: 'public',
    stranger: 'public',
    consumes: true,
  },
  'auth.sendVerification': {
    loginOnly: true,
    call: (c) => c.auth.sendVerification.mutate(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.email),
  },
  'auth.logout': {
    loginOnly: true,
    call: (c) => c.auth.logout.mutate(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    consumes: true,
  },
  'auth.me': {
    call: (c) => c.auth.me.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'auth.sessions': {
    loginOnly: true,
    call: (c) => c.auth.sessions.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'auth.revokeSession': {
    loginOnly: true,
    call: async (c, w) => {
      const [session] = await w.owner.client.auth.sessions.query();
      return c.auth.revokeSession.mutate({ sessionId: session?.id ?? '' });
    },
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND', // only sessions of one's own
    consumes: true,
  },
  'auth.revokeOtherSessions': {
    loginOnly: true,
    call: (c) => c.auth.revokeOtherSessions.mutate(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    consumes: true,
  },
  'auth.changePassword': {
    loginOnly: true,
    call: (c, w) =>
      c.auth.changePassword.mutate({
        currentPassword: w.owner.password,
        newPassword: 'another long password',
      }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // it only ever changes the caller's own password (checked against it)
    consumes: true,
  },
  'auth.deleteAccount': {
    loginOnly: true,
    call: (c, w) => c.auth.deleteAccount.mutate({ password: w.owner.password }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // only ever the caller's own account, with the caller's own password
    consumes: true,
  },
  'auth.twoFactor': {
    loginOnly: true,
    call: (c) => c.auth.twoFactor.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
  },
  'auth.startTwoFactor': {
    loginOnly: true,
    call: (c, w) => c.auth.startTwoFactor.mutate({ password: w.owner.password }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // a pending secret of the caller's own; the owner's factor is untouched
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.username),
  },
  'auth.confirmTwoFactor': {
    loginOnly: true,
    call: (c, w) => enableTwoFactor(c, w.owner.password),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // a code of the caller's own pending secret turns on the caller's factor
    consumes: true,
  },
  'auth.disableTwoFactor': {
    loginOnly: true,
    call: async (c, w) => {
      const { recoveryCodes } = await enableTwoFactor(c, w.owner.password);
      return c.auth.disableTwoFactor.mutate({ code: recoveryCodes[0] ?? '' });
    },
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    consumes: true,
  },
  'auth.loginSecondFactor': {
    // Anyone may try, with a challenge only the right password gives, and a code of the account's.
    call: async (c, w) => {
      const { recoveryCodes } = await enableTwoFactor(w.owner.client, w.owner.password);
      const challenge = await passwordStep(c, w.owner);
      return c.auth.loginSecondFactor.mutate({ challenge, code: recoveryCodes[0] ?? '' });
    },
    anonymous: 'public',
    stranger: 'public',
    consumes: true,
  },
  'auth.exportData': {
    loginOnly: true,
    call: (c) => c.auth.exportData.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: (result, w) => {
      noOwnerIds(result, w);
      expect(JSON.stringify(result)).not.toContain(w.owner.email);
    },
  },
  'auth.updateProfile': {
    loginOnly: true,
    call: (c) => c.auth.updateProfile.mutate({ email: `changed_${newClientId().slice(0, 8)}@example.com` }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // it only ever changes the caller's own profile
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'auth.removeAvatar': {
    call: (c) => c.auth.removeAvatar.mutate(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // only ever the caller's own photo
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'users.card': {
    call: (c, w) => c.users.card.query({ userId: w.friend.id }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'public', // a public card: the name and whether you are friends, nothing private
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.friend.email),
    blocked: 'NOT_FOUND', // someone who blocked you does not exist for you
  },
  'users.search': {
    call: (c, w) => c.users.search.query({ query: w.owner.username }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'public',
    blockedRevealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'friends.list': {
    call: (c) => c.friends.list.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.friend.id),
    blockedRevealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'friends.requests': {
    call: (c) => c.friends.requests.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: noOwnerIds,
    blockedRevealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'friends.suggestions': {
    call: (c) => c.friends.suggestions.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: noOwnerIds,
    blockedRevealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'friends.request': {
    call: (c, w) => c.friends.request.mutate({ userId: w.loner.id }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'public', // anyone may ask; the one asked decides
    blocked: 'FORBIDDEN', // "That is not possible."
  },
  'friends.accept': {
    call: (c, w) => c.friends.accept.mutate({ requestId: w.requestId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
  },
  'friends.decline': {
    call: (c, w) => c.friends.decline.mutate({ requestId: w.requestId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
  },
  'friends.cancel': {
    call: (c, w) => c.friends.cancel.mutate({ requestId: w.outgoingRequestId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND', // only its sender may withdraw it
    consumes: true,
  },
  'friends.remove': {
    call: (c, w) => c.friends.remove.mutate({ userId: w.friend.id }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND', // a stranger cannot end someone else's friendship
    consumes: true,
  },
  'friends.blocked': {
    call: (c) => c.friends.blocked.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.loner.id),
  },
  'friends.block': {
    call: (c, w) => c.friends.block.mutate({ userId: w.loner.id }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // anyone may block anyone: it only shields the blocker
    consumes: true,
  },
  'friends.unblock': {
    call: (c, w) => c.friends.unblock.mutate({ userId: w.blockedUser.id }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND', // only the blocker can lift a block
    consumes: true,
  },
  'conversations.open': {
    call: (c, w) => c.conversations.open.mutate({ userId: w.friend.id }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'FORBIDDEN', // not the friend's friend
  },
  'conversations.list': {
    call: (c) => c.conversations.list.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: noOwnerIds,
  },
  'conversations.clear': {
    call: (c, w) => c.conversations.clear.mutate({ conversationId: w.conversationId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
    blocked: 'own',
  },
  'conversations.markRead': {
    call: (c, w) =>
      c.conversations.markRead.mutate({ conversationId: w.conversationId, messageId: w.messageId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    blocked: 'own', // their own marker in their own old conversation; the blocker hears nothing
  },
  'conversations.mute': {
    call: (c, w) => c.conversations.mute.mutate({ conversationId: w.conversationId, muted: true }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    blocked: 'own',
  },
  'conversations.createGroup': {
    call: (c, w) => c.conversations.createGroup.mutate({ name: 'Matrix', memberIds: [w.friend.id] }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'FORBIDDEN', // only one's own friends
  },
  'conversations.rename': {
    call: (c, w) => c.conversations.rename.mutate({ conversationId: w.groupId, name: 'Renamed' }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
  },
  'conversations.removeAvatar': {
    call: (c, w) => c.conversations.removeAvatar.mutate({ conversationId: w.groupId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
  },
  'conversations.addMembers': {
    call: (c, w) =>
      c.conversations.addMembers.mutate({ conversationId: w.groupId, userIds: [w.exMember.id] }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
  },
  'conversations.removeMember': {
    call: (c, w) => c.conversations.removeMember.mutate({ conversationId: w.groupId, userId: w.friend.id }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
  },
  'conversations.leave': {
    call: (c, w) => c.conversations.leave.mutate({ conversationId: w.groupId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
  },
  'conversations.typing': {
    call: (c, w) => c.conversations.typing.mutate({ conversationId: w.conversationId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    blocked: 'FORBIDDEN',
  },
  'messages.send': {
    call: (c, w) =>
      c.messages.send.mutate({ conversationId: w.conversationId, body: 'hi', clientId: newClientId() }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    blocked: 'FORBIDDEN',
  },
  'messages.edit': {
    call: (c, w) => c.messages.edit.mutate({ messageId: w.ownMessageId, body: 'changed' }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    blocked: 'FORBIDDEN',
  },
  'messages.delete': {
    call: (c, w) => c.messages.delete.mutate({ messageId: w.ownMessageId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
    blocked: 'own', // deleting their own old message
  },
  'messages.react': {
    call: (c, w) => c.messages.react.mutate({ messageId: w.messageId, emoji: '❤️', on: true }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    blocked: 'FORBIDDEN',
  },
  'messages.search': {
    call: (c) => c.messages.search.query({ query: 'hello' }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: noOwnerIds,
  },
  'messages.history': {
    call: (c, w) => c.messages.history.query({ conversationId: w.conversationId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    blocked: 'own', // the history they already had stays theirs to read
  },
  'settings.get': { call: (c) => c.settings.get.query(), anonymous: 'UNAUTHORIZED', stranger: 'own' },
  // The server's configuration, the same for every user: nothing of anyone's.
  'messages.uploadLimits': {
    call: (c) => c.messages.uploadLimits.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
  },
  'settings.update': {
    call: (c) => c.settings.update.mutate({ sendReadReceipts: true }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
  },
  'presence.heartbeat': {
    call: (c) => c.presence.heartbeat.mutate({ connectionId: newClientId(), state: 'online' }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // a connection id is only ever paired with the caller's own user id
  },
  'presence.list': {
    call: (c) => c.presence.list.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'events.subscribe': {
    call: (c) =>
      new Promise((resolve, reject) => {
        const sub = c.events.subscribe.subscribe(
          { lastEventId: null },
          {
            onData: ({ data }) => {
              if (data.type !== 'stream.live') return;
              sub.unsubscribe();
              resolve(data);
            },
            onError: reject,
          },
        );
      }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // a stream is always the caller's own; see the event test below
  },
  // Tokens and bots: another person's bot is NOT_FOUND, as if it did not exist.
  'tokens.create': {
    loginOnly: true,
    call: (c, w) =>
      c.tokens.create.mutate({ name: 'matrix', scope: 'read', expiresInDays: 1, botId: w.botId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
  },
  'tokens.list': {
    loginOnly: true,
    call: (c, w) => c.tokens.list.query({ botId: w.botId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
  },
  'tokens.revoke': {
    loginOnly: true,
    call: (c, w) => c.tokens.revoke.mutate({ tokenId: w.botTokenId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
  },
  'bots.create': {
    loginOnly: true,
    call: (c) => c.bots.create.mutate({ username: `bot_${newClientId().slice(0, 8)}` }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own', // a bot of the caller's own
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.owner.id),
  },
  'bots.list': {
    loginOnly: true,
    call: (c) => c.bots.list.query(),
    anonymous: 'UNAUTHORIZED',
    stranger: 'own',
    revealsNothing: (result, w) => expect(JSON.stringify(result)).not.toContain(w.botId),
  },
  'bots.delete': {
    loginOnly: true,
    call: (c, w) => c.bots.delete.mutate({ botId: w.botId }),
    anonymous: 'UNAUTHORIZED',
    stranger: 'NOT_FOUND',
    consumes: true,
  },
};

/** Every admin procedure: anonymous callers are UNAUTHORIZED, every other account FORBIDDEN. */
const adminRow = (call: Row['call'], consumes?: true): Row => ({
  call,
  anonymous: 'UNAUTHORIZED',
  stranger: 'FORBIDDEN',
  adminOnly: true,
  loginOnly: true, // not even the admin's API token
  ...(consumes ? { consumes } : {}),
});
Object.assign(matrix, {
  'admin.stats': adminRow((c) => c.admin.stats.query()),
  'admin.settings': adminRow((c) => c.admin.settings.query()),
  'admin.updateSettings': adminRow((c) => c.admin.updateSettings.mutate({ registrationMode: 'open' })),
  'admin.users': adminRow((c) => c.admin.users.query({})),
  'admin.setUserActive': adminRow(
    (c, w) => c.admin.setUserActive.mutate({ userId: w.loner.id, active: false }),
    true,
  ),
  'admin.deleteUser': adminRow((c, w) => c.admin.deleteUser.mutate({ userId: w.loner.id }), true),
  'admin.passwordResetLink': adminRow((c, w) => c.admin.passwordResetLink.mutate({ userId: w.loner.id })),
  'admin.invites': adminRow((c) => c.admin.invites.query()),
  'admin.createInvite': adminRow((c) => c.admin.createInvite.mutate({})),
  'admin.revokeInvite': adminRow(async (c, w) => {
    const { invite } = await w.admin.client.admin.createInvite.mutate({});
    return c.admin.revokeInvite.mutate({ inviteId: invite.id });
  }),
} satisfies Record<string, Row>);

const paths = Object.keys(appRouter._def.procedures).sort();
// At run time tRPC keeps every procedure under its full dotted path (the type says nested).
const procedureType = (path: string) =>
  (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[path]?._def.type;

async function outcome(promise: Promise<unknown>): Promise<{ code: string | undefined; result?: unknown }> {
  try {
    return { code: undefined, result: await promise };
  } catch (err) {
    return { code: errorCode(err) ?? String(err) };
  }
}

describe('the authorization matrix', () => {
  it('has a row for every procedure of the router, and no row for one that is gone', () => {
    expect(Object.keys(matrix).sort()).toEqual(paths);
  });
});

describe.each(backends)('authorization (%s)', (backend) => {
  const t = useTestServer(backend, withEmail);

  let admin: User;

  async function makeWorld(): Promise<World> {
    const owner = await t.user('owner');
    const friend = await t.user('friend');
    const suitor = await t.user('suitor');
    const loner = await t.user('loner');
    const blockedUser = await t.user('blocked');
    const conversationId = await befriend(owner, friend);
    const { request } = await suitor.client.friends.request.mutate({ userId: owner.id });
    const { id: messageId } = await friend.client.messages.send.mutate({
      conversationId,
      body: 'hello owner',
      clientId: newClientId(),
    });
    const { id: ownMessageId } = await owner.client.messages.send.mutate({
      conversationId,
      body: 'hello friend',
      clientId: newClientId(),
    });
    const exConversationId = await befriend(owner, blockedUser);
    const { id: exOwnerMessageId } = await owner.client.messages.send.mutate({
      conversationId: exConversationId,
      body: 'before the block',
      clientId: newClientId(),
    });
    const { id: exTheirMessageId } = await blockedUser.client.messages.send.mutate({
      conversationId: exConversationId,
      body: 'also before',
      clientId: newClientId(),
    });
    await owner.client.friends.block.mutate({ userId: blockedUser.id });
    const exMember = await t.user('exmember');
    await befriend(owner, exMember);
    const group = await owner.client.conversations.createGroup.mutate({
      name: 'The owner’s group',
      memberIds: [friend.id, exMember.id],
    });
    const { id: groupMessageId } = await owner.client.messages.send.mutate({
      conversationId: group.id,
      body: 'hello group',
      clientId: newClientId(),
    });
    const { id: exMemberMessageId } = await exMember.client.messages.send.mutate({
      conversationId: group.id,
      body: 'mine, before I was removed',
      clientId: newClientId(),
    });
    await owner.client.conversations.removeMember.mutate({ conversationId: group.id, userId: exMember.id });
    const { request: outgoing } = await owner.client.friends.request.mutate({ userId: loner.id });
    const bot = await owner.client.bots.create.mutate({ username: `bot_${newClientId().slice(0, 8)}` });
    const botToken = await makeApiToken(owner, { botId: bot.id });
    return {
      admin,
      owner,
      friend,
      suitor,
      loner,
      blockedUser,
      exConversationId,
      exOwnerMessageId,
      exTheirMessageId,
      conversationId,
      messageId,
      ownMessageId,
      requestId: request.id,
      outgoingRequestId: outgoing.id,
      groupId: group.id,
      exMember,
      groupMessageId,
      exMemberMessageId,
      botId: bot.id,
      botTokenId: botToken.id,
    };
  }

  let world: World;
  let stranger: User;
  beforeAll(async () => {
    // Registered first, so the server's admin; everyone else is an ordinary account.
    admin = await t.user('admin');
    world = await makeWorld();
    stranger = await t.user('stranger');
  });

  it.each(paths)('%s: the owner’s call is well-formed', async (path) => {
    const row = matrix[path];
    if (!row) throw new Error(`no matrix row for ${path}`);
    const w = row.consumes ? await makeWorld() : world;
    const caller = row.anonymous === 'public' ? t.client() : row.adminOnly ? w.admin.client : w.owner.client;
    expect((await outcome(row.call(caller, w))).code).toBeUndefined();
  });

  it.each(paths)('%s: only the server’s admin (the admin column)', async (path) => {
    const row = matrix[path];
    if (!row) throw new Error(`no matrix row for ${path}`);
    expect((await admin.client.auth.me.query()).isAdmin).toBe(true);
    if (!row.adminOnly) return; // open to ordinary accounts: the other columns say how far
    const w = row.consumes ? await makeWorld() : world;
    expect((await w.owner.client.auth.me.query()).isAdmin).toBe(false);
    expect((await outcome(row.call(w.owner.client, w))).code).toBe('FORBIDDEN');
  });

  it.each(paths)('%s: refused to a caller without a token', async (path) => {
    const row = matrix[path];
    if (!row) throw new Error(`no matrix row for ${path}`);
    if (row.anonymous === 'public') return;
    const { code } = await outcome(row.call(t.client(), world));
    expect(code).toBe(row.anonymous);
  });

  it.each(paths)('%s: a stranger gets nothing of the owner’s', async (path) => {
    const row = matrix[path];
    if (!row) throw new Error(`no matrix row for ${path}`);
    const w = row.consumes ? await makeWorld() : world;
    const outsider =
      row.anonymous === 'public'
        ? t.client()
        : row.consumes
          ? (await t.user('stranger')).client
          : stranger.client;
    const { code, result } = await outcome(row.call(outsider, w));
    if (row.stranger === 'own' || row.stranger === 'public') {
      expect(code).toBeUndefined();
      row.revealsNothing?.(result, w);
    } else {
      expect(code).toBe(row.stranger);
    }
  });

  /** Insiders of the owner's past: each calls with the ids of what they once shared with the owner. */
  const formerly = [
    {
      who: 'someone the owner blocked cannot reach the owner',
      caller: (w: World) => w.blockedUser,
      view: asSeenByBlocked,
      expected: (row: Row) => row.blocked ?? row.stranger,
      revealsNothing: (row: Row, result: unknown, w: World) => row.blockedRevealsNothing?.(result, w),
    },
    {
      who: 'someone removed from the owner’s group gets nothing of it',
      caller: (w: World) => w.exMember,
      view: asSeenByRemoved,
      expected: (row: Row) => row.removed ?? row.stranger,
      revealsNothing: (_row: Row, result: unknown, w: World) =>
        expect(JSON.stringify(result ?? null)).not.toContain(w.groupId),
    },
  ];
  describe.each(formerly)('$who', (column) => {
    it.each(paths)('%s', async (path) => {
      const row = matrix[path];
      if (!row) throw new Error(`no matrix row for ${path}`);
      const w = row.consumes ? await makeWorld() : world;
      const caller = row.anonymous === 'public' ? t.client() : column.caller(w).client;
      const { code, result } = await outcome(row.call(caller, column.view(w)));
      const expected = column.expected(row);
      if (expected === 'own' || expected === 'public') {
        expect(code).toBeUndefined();
        column.revealsNothing(row, result, w);
      } else {
        expect(code).toBe(expected);
      }
    });
  });

  /**
   * The same rows with API tokens. A token acts as its person, minus what its scope or the
   * login-only rule takes away; a revoked one gets nothing anywhere.
   */
  const tokenColumns = [
    {
      who: 'the owner’s write token does what the owner may, but manage the account',
      scope: 'write' as const,
      holder: (w: World) => w.owner,
      fresh: true,
      expected: (row: Row) => (row.loginOnly ? 'FORBIDDEN' : 'own'),
    },
    {
      who: 'the owner’s read token reads, and cannot change anything',
      scope: 'read' as const,
      holder: (w: World) => w.owner,
      fresh: false,
      expected: (row: Row, path: string) =>
        row.loginOnly || procedureType(path) === 'mutation' ? 'FORBIDDEN' : 'own',
    },
    {
      who: 'the owner’s revoked token gets nothing anywhere',
      scope: 'write' as const,
      holder: (w: World) => w.owner,
      revoked: true,
      fresh: false,
      expected: () => 'UNAUTHORIZED',
    },
    {
      who: 'the admin’s write token cannot use the admin procedures',
      scope: 'write' as const,
      holder: () => admin,
      fresh: false,
      expected: (row: Row) => (row.adminOnly ? 'FORBIDDEN' : 'skip'),
    },
    {
      who: 'a stranger’s write token gets nothing of the owner’s',
      scope: 'write' as const,
      holder: () => stranger,
      fresh: true,
      expected: (row: Row) => (row.loginOnly ? 'FORBIDDEN' : row.stranger),
      revealsNothing: (row: Row, result: unknown, w: World) => row.revealsNothing?.(result, w),
    },
  ];
  describe.each(tokenColumns)('$who', (column) => {
    it.each(paths)('%s', async (path) => {
      const row = matrix[path];
      if (!row) throw new Error(`no matrix row for ${path}`);
      if (row.anonymous === 'public' || column.expected(row, path) === 'skip') return;
      const w = row.consumes && column.fresh ? await makeWorld() : world;
      const holder = column.holder(w);
      const token = await makeApiToken(holder, { scope: column.scope });
      if (column.revoked) await holder.client.tokens.revoke.mutate({ tokenId: token.id });
      const client = clientWithApiToken(t.url, token.secret);
      try {
        const { code, result } = await outcome(row.call(client, w));
        const expected = column.expected(row, path);
        if (expected === 'own' || expected === 'public') {
          expect(code).toBeUndefined();
          column.revealsNothing?.(row, result, w);
        } else {
          expect(code).toBe(expected);
        }
      } finally {
        await client.$close();
        if (!column.revoked) await holder.client.tokens.revoke.mutate({ tokenId: token.id });
      }
    });
  });

  it('delivers no event about a conversation to anyone outside it', async () => {
    const w = await makeWorld();
    const outsider = await t.user('outsider');
    const stream = collectEvents(outsider.client);
    await stream.live();
    const watcher = collectEvents(w.friend.client);
    await watcher.live();
    const exMemberStream = collectEvents(w.exMember.client);
    await exMemberStream.live();
    const groupSent = await w.owner.client.messages.send.mutate({
      conversationId: w.groupId,
      body: 'after the removal',
      clientId: newClientId(),
    });
    await w.owner.client.conversations.typing.mutate({ conversationId: w.groupId });
    const sent = await w.owner.client.messages.send.mutate({
      conversationId: w.conversationId,
      body: 'for members only',
      clientId: newClientId(),
    });
    await outcome(
      outsider.client.messages.send.mutate({
        conversationId: w.conversationId,
        body: 'let me in',
        clientId: newClientId(),
      }),
    );
    await outcome(w.owner.client.friends.accept.mutate({ requestId: w.requestId }));
    await w.owner.client.conversations.typing.mutate({ conversationId: w.conversationId });
    await outcome(outsider.client.conversations.typing.mutate({ conversationId: w.conversationId }));
    // The member got it, so it was published; the outsider's stream stayed empty.
    await watcher.until(() => watcher.messages().some((m) => m.id === sent.id));
    await watcher.until(() => watcher.messages().some((m) => m.id === groupSent.id));
    await watcher.until(() => watcher.events().some((e) => e.type === 'typing'));
    await new Promise((r) => setTimeout(r, 300));
    expect(stream.events()).toEqual([]);
    expect(exMemberStream.events()).toEqual([]);
    exMemberStream.unsubscribe();
    stream.unsubscribe();
    watcher.unsubscribe();
  });
});
