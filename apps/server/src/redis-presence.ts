import {
  aggregate,
  AWAY_TTL_FACTOR,
  lifetimeOf,
  type ConnectionState,
  type PresenceChange,
  type PresenceReading,
  type PresenceStore,
} from '@pigeon/api';
import type { PresenceStatus } from '@pigeon/schema';
import type { Redis } from 'ioredis';

/** How long a user's last-seen time is kept after they leave. */
const LAST_SEEN_KEEP_MS = 90 * 24 * 60 * 60 * 1000;
/** Users examined per sweep round; the rest wait for the next round. */
const SWEEP_BATCH = 500;

/**
 * One atomic step for one user: drop expired connections, apply a heartbeat (if any), aggregate,
 * and compare with the status last reported. Being one script, two instances sweeping the same
 * user cannot both see the change, so friends hear it once.
 *
 * KEYS: connections (zset id → expiry ms), states (hash id → online|away), last seen (ms),
 * reported status, active users (zset user id → latest expiry).
 * ARGV: user id, now, ttl, connection id or '', state or '', key lifetime ms, last-seen lifetime ms,
 * ttl of an away connection.
 * Returns { previous status, status, last seen ms or '' }.
 */
const RECONCILE = `
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local awayTtl = tonumber(ARGV[8])
local seen = 0
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES')
for i = 1, #expired, 2 do
  local life = ttl
  if redis.call('HGET', KEYS[2], expired[i]) == 'away' then life = awayTtl end
  redis.call('HDEL', KEYS[2], expired[i])
  seen = math.max(seen, tonumber(expired[i + 1]) - life)
end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
if ARGV[4] ~= '' then
  if ARGV[5] == 'offline' then
    if redis.call('ZREM', KEYS[1], ARGV[4]) == 1 then seen = now end
    redis.call('HDEL', KEYS[2], ARGV[4])
  else
    local life = ttl
    if ARGV[5] == 'away' then life = awayTtl end
    redis.call('ZADD', KEYS[1], now + life, ARGV[4])
    redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
  end
end
local status = 'offline'
for _, s in ipairs(redis.call('HVALS', KEYS[2])) do
  if s == 'online' then status = 'online' break end
  if s == 'away' then status = 'away' end
end
local previous = redis.call('GET', KEYS[4]) or 'offline'
local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #latest > 0 then
  redis.call('ZADD', KEYS[5], latest[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[5], ARGV[6])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
  redis.call('SET', KEYS[4], status, 'PX', ARGV[6])
else
  redis.call('ZREM', KEYS[5], ARGV[1])
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
end
if status == 'offline' and previous ~= 'offline' then
  if seen == 0 then seen = now end
  redis.call('SET', KEYS[3], tostring(seen), 'PX', ARGV[7])
end
return { previous, status, redis.call('GET', KEYS[3]) or '' }
`;

/**
 * Presence shared by every instance: each connection is a member of its user's sorted set,
 * scored by when it expires. Nothing lives in an instance's memory, so when one dies its
 * connections just run out and the next sweep, on any instance, announces the users offline.
 */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlMs: number,
  ) {}

  private keys(userId: string) {
    const base = `${this.prefix}presence:`;
    return [
      `${base}conns:${userId}`,
      `${base}states:${userId}`,
      `${base}seen:${userId}`,
      `${base}reported:${userId}`,
      `${base}active`,
    ];
  }

  private async reconcile(
    userId: string,
    now: number,
    beat: { connectionId: string; state: ConnectionState } | null,
  ): Promise<PresenceChange> {
    const keys = this.keys(userId);
    // Connections outlive their TTL only until the next sweep; the keys hold far longer (and
    // still nothing is left behind once nobody beats any more, not even the list of active users).
    const reply = (await this.redis.eval(
      RECONCILE,
      keys.length,
      ...keys,
      userId,
      now,
      this.ttlMs,
      beat?.connectionId ?? '',
      beat?.state ?? '',
      // Well past an away connection's lifetime, so the sweep always gets there first.
      this.ttlMs * AWAY_TTL_FACTOR * 3,
      LAST_SEEN_KEEP_MS,
      lifetimeOf('away', this.ttlMs),
    )) as [PresenceStatus, PresenceStatus, string];
    const [previous, status, seen] = reply;
    return {
      userId,
      status,
      lastSeenAt: status === 'offline' && seen !== '' ? Number(seen) : null,
      changed: previous !== status,
    };
  }

  beat(userId: string, connectionId: string, state: ConnectionState, now = Date.now()) {
    return this.reconcile(userId, now, { connectionId, state });
  }

  async read(userIds: readonly string[], now = Date.now()): Promise<Map<string, PresenceReading>> {
    const out = new Map<string, PresenceReading>();
    if (userIds.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) {
      const [conns, states, seen] = this.keys(userId);
      pipeline.zrange(conns as string, 0, -1, 'WITHSCORES');
      pipeline.hgetall(states as string);
      pipeline.get(seen as string);
    }
    const replies = (await pipeline.exec()) ?? [];
    userIds.forEach((userId, i) => {
      const [connsReply, statesReply, seenReply] = replies.slice(i * 3, i * 3 + 3);
      for (const r of [connsReply, statesReply, seenReply]) if (r?.[0]) throw r[0];
      const scored = (connsReply?.[1] ?? []) as string[];
      const states = (statesReply?.[1] ?? {}) as Record<string, string>;
      const live: string[] = [];
      // Expired but not yet swept: gone for the reader already, last seen at its final beat.
      let seen = seenReply?.[1] ? Number(seenReply[1]) : null;
      for (let j = 0; j < scored.length; j += 2) {
        const id = scored[j] as string;
        const expiresAt = Number(scored[j + 1]);
        const state = states[id] ?? '';
        if (expiresAt > now) live.push(state);
        else seen = Math.max(seen ?? 0, expiresAt - lifetimeOf(state, this.ttlMs));
      }
      const status = aggregate(live);
      out.set(userId, { status, lastSeenAt: status === 'offline' ? seen : null });
    });
    return out;
  }

  async sweep(now = Date.now()): Promise<PresenceChange[]> {
    const active = this.keys('')[4] as string;
    const due = await this.redis.zrangebyscore(active, '-inf', now, 'LIMIT', 0, SWEEP_BATCH);
    const changes: PresenceChange[] = [];
    for (const userId of due) {
      const change = await this.reconcile(userId, now, null);
      if (change.changed) changes.push(change);
    }
    return changes;
  }

  /** The active-users set scores each user by their latest connection's expiry. */
  countConnected(now = Date.now()): Promise<number> {
    return this.redis.zcount(this.keys('')[4] as string, `(${now}`, '+inf');
  }

  /** The Redis connection belongs to the server, which closes it. */
  close() {
    return Promise.resolve();
  }
}
