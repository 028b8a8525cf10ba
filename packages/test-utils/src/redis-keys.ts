import { Redis } from 'ioredis';

/**
 * Deletes every key under a test's prefix, so a run leaves nothing behind in a shared Redis
 * (presence "last seen" keys, for one, live for 90 days).
 */
export async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
