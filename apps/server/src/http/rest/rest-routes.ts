import type { AppRouter } from '@pigeon/api';
import { authSession, message } from '@pigeon/schema';
import type { inferRouterInputs } from '@trpc/server';
import { z } from 'zod';

type Inputs = inferRouterInputs<AppRouter>;
/** `namespace.procedure`, as tRPC names it: a route can only point at a procedure that exists. */
export type ProcedurePath = {
  [N in keyof Inputs]: `${N}.${Extract<keyof Inputs[N], string>}`;
}[keyof Inputs];

/** What a route answers instead of the procedure's own output (the OAuth2 token response). */
export interface Presenter {
  schema: z.ZodType;
  present(output: unknown): unknown;
}

export interface RestRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Under /api/v1; `{name}` segments become input fields of the same name. */
  path: string;
  procedure: ProcedurePath;
  summary: string;
  tag: 'Auth' | 'Users' | 'Friends' | 'Conversations';
  /** Public routes need no token (register, log in, refresh). */
  public?: true;
  /** The status of a success with a body; one without a body answers 204. */
  status?: 200 | 201;
  /** Also takes `application/x-www-form-urlencoded` bodies (an OAuth2 password grant). */
  form?: true;
  presenter?: Presenter;
}

/** The procedure's answer as it is, checked against `schema` before it leaves. */
function validatedAs(schema: z.ZodType): Presenter {
  return { schema, present: (output) => schema.parse(output) };
}

const oauth2Token = authSession.extend({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  /** Seconds until the access token expires. */
  expires_in: z.number().int(),
  refresh_token: z.string().nullable(),
});

/**
 * RFC 6749 §5.1's answer to a password grant, as OAuth2 clients (and the original app's
 * `/auth/token`) expect it, with Pigeon's own session fields beside it.
 */
const oauth2Presenter: Presenter = {
  schema: oauth2Token,
  present(output) {
    const session = authSession.parse(output);
    const expiresIn = Math.max(0, Math.round((Date.parse(session.accessTokenExpiresAt) - Date.now()) / 1000));
    return {
      ...session,
      access_token: session.accessToken,
      token_type: 'bearer',
      expires_in: expiresIn,
      refresh_token: session.refreshToken,
    } satisfies z.infer<typeof oauth2Token>;
  },
};

/**
 * The REST surface: each route names the procedure it calls, which validates, limits, authorizes
 * and answers exactly as over tRPC. Paths follow the original app's resources.
 */
export const REST_ROUTES: readonly RestRoute[] = [
  {
    method: 'POST',
    path: '/auth/register',
    procedure: 'auth.register',
    summary: 'Create an account',
    tag: 'Auth',
    public: true,
    status: 201,
  },
  {
    method: 'POST',
    path: '/auth/token',
    procedure: 'auth.login',
    summary: 'Log in (JSON, or an OAuth2 password form)',
    tag: 'Auth',
    public: true,
    form: true,
    presenter: oauth2Presenter,
  },
  {
    method: 'POST',
    path: '/auth/second-factor',
    procedure: 'auth.loginSecondFactor',
    summary: 'Finish a login with two-factor on: the challenge from /auth/token and a code',
    tag: 'Auth',
    public: true,
    presenter: oauth2Presenter,
  },
  {
    method: 'POST',
    path: '/auth/refresh',
    procedure: 'auth.refresh',
    summary: 'Trade a refresh token for a new session',
    tag: 'Auth',
    public: true,
  },
  {
    method: 'POST',
    path: '/auth/password-reset',
    procedure: 'auth.requestPasswordReset',
    summary: 'Email a password reset link (the same answer for any address)',
    tag: 'Auth',
    public: true,
  },
  {
    method: 'POST',
    path: '/auth/password-reset/confirm',
    procedure: 'auth.resetPassword',
    summary: 'Set a new password with the token of a reset link; every session ends',
    tag: 'Auth',
    public: true,
  },
  {
    method: 'POST',
    path: '/auth/verify-email',
    procedure: 'auth.verifyEmail',
    summary: 'Confirm an email address with the token of a verification link',
    tag: 'Auth',
    public: true,
  },
  {
    method: 'POST',
    path: '/auth/logout',
    procedure: 'auth.logout',
    summary: 'End this session',
    tag: 'Auth',
  },
  { method: 'GET', path: '/users/me', procedure: 'auth.me', summary: 'The logged-in account', tag: 'Users' },
  {
    method: 'GET',
    path: '/users/me/upload-limits',
    procedure: 'messages.uploadLimits',
    summary: 'What this server accepts as attachments: bytes per file, files per message, your quota',
    tag: 'Users',
  },
  {
    method: 'GET',
    path: '/users/search',
    procedure: 'users.search',
    summary: 'Find people by username prefix',
    tag: 'Users',
  },
  {
    method: 'GET',
    path: '/users/{userId}',
    procedure: 'users.card',
    summary: "Someone's public profile card",
    tag: 'Users',
  },
  {
    method: 'DELETE',
    path: '/me/avatar',
    procedure: 'auth.removeAvatar',
    summary: 'Remove your photo (back to the initials avatar)',
    tag: 'Users',
    // The account as it is now, with `avatarUrl` null.
    status: 200,
  },
  { method: 'GET', path: '/friends', procedure: 'friends.list', summary: 'Your friends', tag: 'Friends' },
  {
    method: 'DELETE',
    path: '/friends/{userId}',
    procedure: 'friends.remove',
    summary: 'Unfriend someone',
    tag: 'Friends',
  },
  {
    method: 'GET',
    path: '/friends/requests',
    procedure: 'friends.requests',
    summary: 'Pending requests, received and sent',
    tag: 'Friends',
  },
  {
    method: 'POST',
    path: '/friends/requests',
    procedure: 'friends.request',
    summary: 'Ask someone to be friends',
    tag: 'Friends',
  },
  {
    method: 'POST',
    path: '/friends/requests/{requestId}/accept',
    procedure: 'friends.accept',
    summary: 'Accept a request sent to you',
    tag: 'Friends',
  },
  {
    method: 'POST',
    path: '/friends/requests/{requestId}/decline',
    procedure: 'friends.decline',
    summary: 'Decline a request sent to you',
    tag: 'Friends',
  },
  {
    method: 'DELETE',
    path: '/friends/requests/{requestId}',
    procedure: 'friends.cancel',
    summary: 'Withdraw a request you sent',
    tag: 'Friends',
  },
  {
    method: 'GET',
    path: '/conversations',
    procedure: 'conversations.list',
    summary: 'Your conversations, newest activity first',
    tag: 'Conversations',
  },
  {
    method: 'POST',
    path: '/conversations',
    procedure: 'conversations.open',
    summary: 'Open (or find) the conversation with a friend',
    tag: 'Conversations',
  },
  {
    method: 'GET',
    path: '/conversations/{conversationId}/messages',
    procedure: 'messages.history',
    summary: 'History, newest first, in pages',
    tag: 'Conversations',
  },
  {
    method: 'POST',
    path: '/conversations/{conversationId}/messages',
    procedure: 'messages.send',
    summary: 'Send a message (idempotent by clientId)',
    tag: 'Conversations',
    status: 201,
    // The procedure skips output validation on the hot path (docs/benchmarks.md); REST checks it here.
    presenter: validatedAs(message),
  },
  {
    method: 'POST',
    path: '/conversations/{conversationId}/read',
    procedure: 'conversations.markRead',
    summary: 'Mark read up to a message',
    tag: 'Conversations',
  },
  {
    method: 'DELETE',
    path: '/groups/{conversationId}/avatar',
    procedure: 'conversations.removeAvatar',
    summary: "Remove a group's photo (its owner)",
    tag: 'Conversations',
    status: 200,
  },
];
