import type { Database } from '@pigeon/db';
import type { FileStore } from '@pigeon/media';
import type { RegistrationMode } from '@pigeon/schema';
import type { EventBus } from './bus';
import type { CookieJar, Logger, Viewer } from './core/types';
import type { EmailDelivery } from './mailer';
import type { ApiMetrics } from './metrics';
import type { PresenceStore } from './presence-store';
import type { RateLimits } from './rate-limits';
import type { UploadLimits } from './services/attachments';
import type { SendQueue } from './services/send-queue';
import { looksLikeApiToken } from './services/api-token-secrets';
import type { SessionStatus } from './services/session-status';
import type { TokenService } from './services/tokens';

/** What the server wires once at start and every procedure shares. */
export interface ApiDeps {
  db: Database;
  bus: EventBus;
  tokens: TokenService;
  log: Logger;
  metrics: ApiMetrics;
  /** Message sends, committed in groups under load. */
  sends: SendQueue;
  rateLimits: RateLimits;
  sessionStatus: SessionStatus;
  /** Who is connected: in this process, or in Redis across instances. */
  presence: PresenceStore;
  /** Registration until the admin chooses (REGISTRATION_MODE). */
  registrationModeDefault: RegistrationMode;
  /** Absent when no SMTP server is configured: then only the admin resets passwords. */
  email?: EmailDelivery | undefined;
  /** Attachment and avatar bytes: a directory or an S3-compatible bucket (STORAGE_DRIVER). */
  files: FileStore;
  /** Sizes, counts and ages of uploads (UPLOAD_*, MESSAGE_MAX_ATTACHMENTS). */
  uploads: UploadLimits;
}

export interface Context extends ApiDeps {
  viewer: Viewer | null;
  userAgent: string | null;
  cookies: CookieJar | null;
  /** Ties log lines to one HTTP request or one WebSocket connection. */
  requestId: string | null;
  /** The caller's address, for per-IP limits (the proxy's word for it only when trusted). */
  ip: string | null;
  /** Per WebSocket connection (null over HTTP): what it holds open, for its caps. */
  connection: { openSubscriptions: number } | null;
}

/** Builds a request's context from its bearer token; never throws (a bad token is just anonymous). */
export async function createContext(
  deps: ApiDeps,
  request: {
    accessToken: string | null | undefined;
    userAgent?: string | null | undefined;
    cookies?: CookieJar | null | undefined;
    requestId?: string | null | undefined;
    ip?: string | null | undefined;
    /** Set for WebSocket connections. */
    connection?: { openSubscriptions: number } | null | undefined;
  },
): Promise<Context> {
  const viewer = request.accessToken ? await viewerOf(deps, request.accessToken) : null;
  return {
    ...deps,
    viewer,
    userAgent: request.userAgent ?? null,
    cookies: request.cookies ?? null,
    requestId: request.requestId ?? null,
    ip: request.ip ?? null,
    connection: request.connection ?? null,
  };
}

/** The caller a bearer token proves: a login's JWT access token, or a personal API token. */
async function viewerOf(deps: ApiDeps, token: string): Promise<Viewer | null> {
  // Same header, same place, so every transport (tRPC over HTTP and WebSocket, REST) takes both.
  if (looksLikeApiToken(token)) return deps.sessionStatus.apiTokenViewer(token).catch(() => null);
  const verified = await deps.tokens.verifyAccessToken(token);
  // A valid signature is not enough: the session behind the token may have been ended. When the
  // database cannot say, the call goes on and fails on its own (SERVICE_UNAVAILABLE) rather than
  // logging everyone out during an outage.
  const live = verified ? await deps.sessionStatus.isLive(verified.sessionId).catch(() => true) : false;
  return verified && live ? verified : null;
}
