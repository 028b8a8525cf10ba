import { TRPCError } from '@trpc/server';
import {
  BurstyRateLimiter,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';

/** Every place input enters at a rate worth bounding. */
export type LimitName =
  | 'loginFailuresPerAccount'
  | 'loginFailuresPerIp'
  | 'registrationsPerIp'
  | 'messages'
  /** Files sent to POST /api/v1/uploads (avatars included). */
  | 'uploads'
  | 'friendRequests'
  | 'searches'
  | 'typing'
  | 'presence'
  | 'groupChanges'
  /** Setting or removing a photo (a person's or a group's): each upload is an image to decode. */
  | 'avatarChanges'
  /** Creating and revoking API tokens and bots. */
  | 'tokenChanges'
  /** Data exports as a zip (GET /api/v1/export.zip): each one reads every file the user uploaded. */
  | 'exports'
  /** Password-reset and verification emails asked for from one address (IP). */
  | 'recoveryEmailsPerIp'
  /** Emails to one email address, whoever asks: a mailbox is not flooded. */
  | 'recoveryEmailsPerAddress'
  /** Emailed links presented (reset, verify) from one address: tokens are not guessed. */
  | 'emailLinksPerIp'
  /** Not a budget: `points` failures in a row are free, then waits double up to `durationSeconds`. */
  | 'loginBackoff';

export interface RateLimitRule {
  points: number;
  durationSeconds: number;
  /** Extra room for short bursts above the steady rate (messages). */
  burst?: { points: number; durationSeconds: number };
}

export type RateLimitRules = Record<LimitName, RateLimitRule>;

export const DEFAULT_RATE_LIMITS: RateLimitRules = {
  // The 11th wrong password for one account within 15 minutes is refused, whoever tries it.
  loginFailuresPerAccount: { points: 10, durationSeconds: 15 * 60 },
  loginFailuresPerIp: { points: 100, durationSeconds: 15 * 60 },
  registrationsPerIp: { points: 10, durationSeconds: 60 * 60 },
  messages: { points: 10, durationSeconds: 1, burst: { points: 30, durationSeconds: 10 } },
  // A photo album at once, not a disk filled by a script (the quota bounds the bytes).
  uploads: { points: 30, durationSeconds: 60, burst: { points: 30, durationSeconds: 10 } },
  friendRequests: { points: 100, durationSeconds: 24 * 60 * 60 },
  searches: { points: 60, durationSeconds: 60 },
  typing: { points: 30, durationSeconds: 60 },
  // A beat every 15 s from each of a few tabs, plus their visibility changes.
  presence: { points: 120, durationSeconds: 60 },
  groupChanges: { points: 60, durationSeconds: 60 * 60 },
  avatarChanges: { points: 30, durationSeconds: 60 * 60 },
  tokenChanges: { points: 60, durationSeconds: 60 * 60 },
  // A retry or two after a dropped download, not a loop re-reading gigabytes of files.
  exports: { points: 5, durationSeconds: 60 * 60 },
  recoveryEmailsPerIp: { points: 20, durationSeconds: 60 * 60 },
  recoveryEmailsPerAddress: { points: 3, durationSeconds: 60 * 60 },
  emailLinksPerIp: { points: 30, durationSeconds: 15 * 60 },
  // From one address, the 4th wrong password in a row waits 1 s, then 2, 4, 8 … up to 15 min.
  loginBackoff: { points: 3, durationSeconds: 15 * 60 },
};

/** A caller's address as a rate-limit key. */
export const ipKey = (ip: string | null) => `ip:${ip ?? 'unknown'}`;

/** Carried as the error's cause, so the formatter and the HTTP layer can tell clients when. */
export class RetryAfter extends Error {
  constructor(readonly seconds: number) {
    super(`retry after ${seconds} s`);
  }
}

export interface RateLimits {
  /** Spends `points` of `key`'s budget, or throws TOO_MANY_REQUESTS saying when to retry. */
  consume(name: LimitName, key: string, points?: number): Promise<void>;
  /** Throws like `consume` when nothing is left, without spending anything. */
  check(name: LimitName, key: string): Promise<void>;
  /** Forgets `key`'s spending (a successful login clears its failures). */
  reset(name: LimitName, key: string): Promise<void>;
  /** Growing waits after failures in a row (`loginBackoff`), for password checks. */
  backoff: Backoff;
}

export interface Backoff {
  /** Throws TOO_MANY_REQUESTS while `key` must still wait after its last failure. */
  check(key: string): Promise<void>;
  /** One more failure in a row: past the free ones, the next try waits twice as long as before. */
  failed(key: string): Promise<void>;
  /** A success: the count starts again. */
  succeeded(key: string): Promise<void>;
}

type Limiter = Pick<RateLimiterAbstract, 'consume' | 'get' | 'delete'> & { points: number };

function tooMany(msBeforeNext: number): TRPCError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many attempts. Try again in ${seconds} s.`,
    cause: new RetryAfter(seconds),
  });
}

/**
 * Rate limits kept in Redis when there is one (so they hold across instances; an outage falls
 * back to each instance's memory rather than to no limit), else in this process's memory.
 */
export function createRateLimits(
  rules: RateLimitRules,
  store: { redis: unknown; prefix: string } | null,
): RateLimits {
  const make = (name: string, rule: { points: number; durationSeconds: number }): RateLimiterAbstract => {
    const options = {
      keyPrefix: `${store?.prefix ?? ''}rl:${name}`,
      points: rule.points,
      duration: rule.durationSeconds,
    };
    const memory = new RateLimiterMemory(options);
    return store
      ? new RateLimiterRedis({ ...options, storeClient: store.redis, insuranceLimiter: memory })
      : memory;
  };
  const limiters = new Map<LimitName, Limiter>();
  for (const [name, rule] of Object.entries(rules) as [LimitName, RateLimitRule][]) {
    if (name === 'loginBackoff') continue;
    const steady = make(name, rule);
    if (!rule.burst) {
      limiters.set(name, steady);
      continue;
    }
    const bursty = new BurstyRateLimiter(steady, make(`${name}:burst`, rule.burst));
    limiters.set(name, {
      points: rule.points,
      consume: (key: string | number, points?: number) => bursty.consume(key, points),
      get: (key: string | number) => steady.get(key),
      delete: (key: string | number) => steady.delete(key),
    });
  }
  const limiter = (name: LimitName) => {
    const found = limiters.get(name);
    if (!found) throw new Error(`no rate limit named ${name}`);
    return found;
  };
  return {
    async consume(name, key, points = 1) {
      try {
        await limiter(name).consume(key, points);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw tooMany(rejection.msBeforeNext);
        throw rejection;
      }
    },
    async check(name, key) {
      const l = limiter(name);
      const state = await l.get(key);
      if (state && state.consumedPoints >= l.points) throw tooMany(state.msBeforeNext);
    },
    async reset(name, key) {
      await limiter(name).delete(key);
    },
    backoff: createBackoff(rules.loginBackoff, make),
  };
}

function createBackoff(
  rule: RateLimitRule,
  make: (name: string, rule: { points: number; durationSeconds: number }) => RateLimiterAbstract,
): Backoff {
  // Failures in a row, forgotten a day after the last one; and the wait the last one imposed.
  const streak = make('loginBackoff:streak', {
    points: Number.MAX_SAFE_INTEGER,
    durationSeconds: 24 * 60 * 60,
  });
  const wait = make('loginBackoff:wait', { points: 1, durationSeconds: 1 });
  return {
    async check(key) {
      const state = await wait.get(key);
      if (state && state.consumedPoints > 1 && state.msBeforeNext > 0) throw tooMany(state.msBeforeNext);
    },
    async failed(key) {
      const { consumedPoints: inARow } = await streak.consume(key);
      if (inARow <= rule.points) return;
      const seconds = Math.min(2 ** (inARow - rule.points - 1), rule.durationSeconds);
      await wait.block(key, seconds);
    },
    async succeeded(key) {
      await Promise.all([streak.delete(key), wait.delete(key)]);
    },
  };
}
