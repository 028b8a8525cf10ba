import type { Database } from '@pigeon/db';
import type { EphemeralEvent, StreamEvent } from '@pigeon/schema';

/*
 * Shapes shared across the package. This module imports nothing from the package itself, so
 * anything may depend on it without closing an import cycle.
 */

/** Who is calling, as proven by a valid access token or a personal API token. */
export interface Viewer {
  userId: string;
  /**
   * The login session behind the access token, or the API token's id: ending either closes the
   * sockets that use it, on every instance, the same way.
   */
  sessionId: string;
  /** Epoch ms; checked on every operation, since one WebSocket outlives many tokens. */
  expiresAt: number;
  /** Set when the caller used a personal API token (`pgn_…`) rather than a login. */
  apiToken?: { scope: 'read' | 'write' };
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The HTTP cookies of one request; absent over WebSockets, which cannot set cookies. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, maxAgeSeconds: number): void;
  clear(name: string): void;
}

/** A transaction handle: the callback argument of `db.transaction`. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** An event as written to one user's stream, with its id there: what the bus carries after commit. */
export interface Delivery {
  userId: string;
  event: StreamEvent;
}

/** What a user's event stream yields. */
export type StreamItem =
  | StreamEvent
  | { v: 1; type: 'stream.live'; id: number }
  /** Never stored: `id` is the stream's position when it passed, so resuming is unaffected. */
  | (EphemeralEvent & { id: number });
