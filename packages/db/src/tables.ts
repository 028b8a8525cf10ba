import type { PigeonEvent } from '@pigeon/schema';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  type AnyPgColumn,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    /** The name shown by (not unique; the username tells people apart). Null: show the username. */
    displayName: text('display_name'),
    /** Never shown to anyone but its owner. Null only for accounts made before emails existed. */
    email: text('email'),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
    /** Off: the user's reads are not shown to others, and they see no one else's (symmetric). */
    sendReadReceipts: boolean('send_read_receipts').notNull().default(true),
    /** Off: friends see the user offline with no last-seen time (not symmetric, unlike receipts). */
    showPresence: boolean('show_presence').notNull().default(true),
    /**
     * When the user's last tab or device went away. The live copy is in the presence store
     * (Redis in cluster mode); this one outlives a restart of the embedded server.
     */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** The account was deleted: the row stays, anonymised, so others' history keeps its sender. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /** A bot: it has no password (the hash is '!'), and acts only through its API tokens. */
    isBot: boolean('is_bot').notNull().default(false),
    /** Bots only: the person who made it, and alone may give it tokens or delete it. */
    ownerId: uuid('owner_id').references((): AnyPgColumn => users.id, { onDelete: 'cascade' }),
    /** The server's admin (the first account on a fresh server). */
    isAdmin: boolean('is_admin').notNull().default(false),
    /** Deactivated by the admin: cannot log in; everything else stays until reactivated. */
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    /** When the owner followed the link mailed to `email`; null again whenever the email changes. */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    /**
     * The TOTP secret (base32) once two-factor is on; never returned after enrolment. Pending
     * holds the one being enrolled until a code from it is confirmed.
     */
    totpSecret: text('totp_secret'),
    totpPendingSecret: text('totp_pending_secret'),
    /** The last TOTP time step accepted: a code is good once, not again within its window. */
    totpLastTimeStep: bigint('totp_last_time_step', { mode: 'number' }),
    /**
     * The user's photo in the file store (`avatars/<key>.webp`); null: the initials avatar. A new
     * random 128-bit key on every change, so its URL can be cached forever and is hard to guess.
     */
    avatarKey: text('avatar_key'),
  },
  (t) => [
    // One index serves both case-insensitive uniqueness and prefix search (LIKE 'abc%').
    uniqueIndex('users_username_lower_key').using('btree', sql`lower(${t.username}) text_pattern_ops`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    // Prefix search on display names, as on usernames.
    index('users_display_name_lower_idx')
      .using('btree', sql`lower(${t.displayName}) text_pattern_ops`)
      .where(sql`${t.displayName} is not null`),
    // Newest users first, for suggestions to people with no friends yet.
    index('users_created_at_idx').on(t.createdAt),
    // "My bots" for their owner.
    index('users_owner_id_idx')
      .on(t.ownerId)
      .where(sql`${t.ownerId} is not null`),
    check('users_bot_has_owner', sql`${t.isBot} = (${t.ownerId} is not null) or ${t.deletedAt} is not null`),
  ],
);

/** A login on one device: the refresh token is kept only as a hash and rotates on every refresh. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    refreshTokenHash: text('refresh_token_hash').notNull(),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** The login passed a second factor (a TOTP or recovery code), shown in the sessions list. */
    secondFactor: boolean('second_factor').notNull().default(false),
  },
  (t) => [
    uniqueIndex('sessions_refresh_token_hash_key').on(t.refreshTokenHash),
    index('sessions_user_id_idx').on(t.userId),
  ],
);

export const friendRequestStatus = pgEnum('friend_request_status', ['pending', 'accepted', 'declined']);

export const friendRequests = pgTable(
  'friend_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fromUserId: uuid('from_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    toUserId: uuid('to_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: friendRequestStatus('status').notNull().default('pending'),
    createdAt: createdAt(),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
  },
  (t) => [
    check('friend_requests_not_self', sql`${t.fromUserId} <> ${t.toUserId}`),
    uniqueIndex('friend_requests_one_pending_key')
      .on(t.fromUserId, t.toUserId)
      .where(sql`${t.status} = 'pending'`),
    index('friend_requests_to_pending_idx')
      .on(t.toUserId, t.createdAt)
      .where(sql`${t.status} = 'pending'`),
    index('friend_requests_from_pending_idx')
      .on(t.fromUserId, t.createdAt)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/** Stored in both directions, so "my friends" is one index range. */
export const friendships = pgTable(
  'friendships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    friendId: uuid('friend_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.friendId] }),
    check('friendships_not_self', sql`${t.userId} <> ${t.friendId}`),
  ],
);

export const conversationKind = pgEnum('conversation_kind', ['direct', 'group']);

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: conversationKind('kind').notNull(),
    /** For direct conversations, the two member ids in order: one conversation per pair. */
    directKey: text('direct_key'),
    /** Groups only: what the members call it. */
    name: text('name'),
    /** Groups only: who may rename it and add or remove members (passes on when they leave). */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    /** Groups only: the group's photo, keyed as a user's (see users.avatarKey). */
    avatarKey: text('avatar_key'),
    createdAt: createdAt(),
    /** Kept on the row so the conversation list needs no scan of messages. */
    lastMessageId: bigint('last_message_id', { mode: 'number' }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('conversations_direct_key_key').on(t.directKey)],
);

export const conversationMembers = pgTable(
  'conversation_members',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    /** The newest message this member has read; only ever moves forward. */
    lastReadMessageId: bigint('last_read_message_id', { mode: 'number' }),
    /** "Deleted for me": this member sees only messages after this id. */
    clearedUpToMessageId: bigint('cleared_up_to_message_id', { mode: 'number' }),
    /** No notifications or title badge for this conversation, on any of the member's devices. */
    muted: boolean('muted').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index('conversation_members_user_idx').on(t.userId, t.conversationId),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    senderId: uuid('sender_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    /** The message this one answers, in the same conversation (checked on send). */
    replyToId: bigint('reply_to_id', { mode: 'number' }),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    /** Deleted by its sender: the body is blanked, the row stays so replies and ids hold. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    // Idempotent sends: a retried clientId finds the stored row instead of making a second one.
    uniqueIndex('messages_sender_client_id_key').on(t.senderId, t.clientId),
    // Keyset pagination of history: newest first within one conversation.
    index('messages_conversation_id_idx').on(t.conversationId, t.id),
    // Full-text search of one's own conversations ('simple': no language-specific stemming).
    // fastupdate off: with it on, inserts pile up in a pending list that the insert crossing its
    // 4 MB limit merges into the index by itself (or autovacuum, when it runs), stalling that
    // send batch for 40–150 ms every few tens of thousands of messages; entering each message's
    // words at once costs about as much in total, spread evenly (docs/benchmarks.md).
    index('messages_body_search_idx')
      .using('gin', sql`to_tsvector('simple', ${t.body})`)
      .with({ fastupdate: false }),
  ],
);

/**
 * The head of each user's event stream. Events get their ids from here under a row lock, so
 * a user's events commit in id order and a reader never sees id n+1 before id n.
 */
export const eventStreams = pgTable('event_streams', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
});

/** The per-user inbox: every change a user must learn about, written with the change itself. */
export const events = pgTable(
  'events',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<PigeonEvent>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.seq] })],
);

/** One person's reaction to one message: toggling it on twice is still one row. */
export const reactions = pgTable(
  'reactions',
  {
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    emoji: text('emoji').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })],
);

/** `blockerId` blocked `blockedId`: no search, requests or messages between them, either way. */
export const blocks = pgTable(
  'blocks',
  {
    blockerId: uuid('blocker_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    blockedId: uuid('blocked_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    // "Who blocked me?" for search and suggestions.
    index('blocks_blocked_idx').on(t.blockedId, t.blockerId),
    check('blocks_not_self', sql`${t.blockerId} <> ${t.blockedId}`),
  ],
);

/**
 * Refresh tokens already swapped for new ones. Presenting one again means it was copied:
 * the whole session it belonged to is ended (reuse detection).
 */
export const usedRefreshTokens = pgTable(
  'used_refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('used_refresh_tokens_session_idx').on(t.sessionId)],
);

export const apiTokenScope = pgEnum('api_token_scope', ['read', 'write']);

/**
 * A personal API token (of a person, or of a bot its owner made). Only the SHA-256 of the secret
 * is kept: the secret is 256 random bits, so a fast hash is enough. Revoking deletes the row.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The secret's first characters, so its owner can tell tokens apart (`pgn_` and 4 characters: 24 of its 256 bits). */
    hint: text('hint').notNull(),
    scope: apiTokenScope('scope').notNull(),
    createdAt: createdAt(),
    /** Null: never expires. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash),
    index('api_tokens_user_id_idx').on(t.userId, t.createdAt),
  ],
);

/** Server-wide settings the admin changes at run time: one row (id = 1), absent until first set. */
export const serverSettings = pgTable(
  'server_settings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    /** 'open' | 'invite' | 'closed'; null: the environment's REGISTRATION_MODE. */
    registrationMode: text('registration_mode'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('server_settings_single_row', sql`${t.id} = 1`)],
);

/** Invite links for invite-only registration; the code is kept only as a hash. */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    codeHash: text('code_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    maxUses: bigint('max_uses', { mode: 'number' }).notNull(),
    uses: bigint('uses', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('invites_code_hash_key').on(t.codeHash)],
);

export const emailLinkPurpose = pgEnum('email_link_purpose', ['password_reset', 'email_verification']);

/**
 * Single-use links sent by email (password reset, email verification). Only the SHA-256 of the
 * link's token is kept, as for API tokens; using a link stamps `used_at`, so it works once.
 */
export const emailLinks = pgTable(
  'email_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: emailLinkPurpose('purpose').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The address the link went to: a verification link proves only that one. */
    email: text('email'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('email_links_token_hash_key').on(t.tokenHash),
    index('email_links_user_id_idx').on(t.userId, t.purpose),
  ],
);

/** Two-factor recovery codes: shown once, kept as hashes, each good for one login. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('recovery_codes_user_code_key').on(t.userId, t.codeHash)],
);

/**
 * A password accepted for an account with two-factor on: the token (kept as a hash) stands for
 * it for a few minutes, once, until a code completes the login.
 */
export const loginChallenges = pgTable(
  'login_challenges',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('login_challenges_user_id_idx').on(t.userId)],
);

/**
 * An uploaded file. Unattached (message id null) it is its uploader's alone, until a send puts it
 * on a message (`pigeon_send_batch`, migration 0017) or the orphan sweep removes it. The bytes live
 * in the file store under `original_key` (and `preview_key` for images), never in the database.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    uploaderId: uuid('uploader_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Set once, by the send that carries it; null again only if the message row goes. */
    messageId: bigint('message_id', { mode: 'number' }).references(() => messages.id, {
      onDelete: 'set null',
    }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    /** Its place among the message's attachments. */
    position: integer('position'),
    name: text('name').notNull(),
    /** Bytes of the original as stored (after metadata stripping), counted against the quota. */
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Detected from the bytes at upload. */
    contentType: text('content_type').notNull(),
    kind: text('kind').notNull(),
    width: integer('width'),
    height: integer('height'),
    blurhash: text('blurhash'),
    originalKey: text('original_key').notNull(),
    previewKey: text('preview_key'),
    createdAt: createdAt(),
    attachedAt: timestamp('attached_at', { withTimezone: true }),
  },
  (t) => [
    check('attachments_kind', sql`${t.kind} in ('image', 'video', 'audio', 'file')`),
    check('attachments_attached_at', sql`${t.messageId} is null or ${t.attachedAt} is not null`),
    index('attachments_message_id_idx')
      .on(t.messageId, t.position)
      .where(sql`${t.messageId} is not null`),
    // The quota (sum per uploader) and the export.
    index('attachments_uploader_id_idx').on(t.uploaderId, t.createdAt),
    // The orphan sweep: the oldest unattached uploads first.
    index('attachments_unattached_idx')
      .on(t.createdAt)
      .where(sql`${t.messageId} is null`),
  ],
);

/**
 * Stored objects whose rows are gone (a deleted message, a deleted account, a swept orphan),
 * queued in the same transaction that removed the rows: removed from the file store after
 * commit, and by the next sweep if that failed.
 */
export const fileRemovals = pgTable('file_removals', {
  key: text('key').primaryKey(),
  queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
});
