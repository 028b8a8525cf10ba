import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { DEFAULT_RATE_LIMITS } from '@pigeon/api';

const secret = 'a-long-random-secret-for-tests-'.padEnd(40, 'z');

describe('configuration', () => {
  it('defaults to an embedded database on 127.0.0.1:3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, redis: undefined, jwtSecret: undefined });
    expect(config.database).toMatchObject({ url: undefined, dataDir: './.pigeon-data' });
    // A small host's memory before the first second's speed: no warm-up on the embedded database.
    expect(config.warmUpSends).toBe(0);
  });

  it('reads cluster settings', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/pigeon',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: secret,
      PORT: '4000',
    });
    expect(config.database.url).toBe('postgres://u@db:5432/pigeon');
    expect(config.redis).toEqual({ url: 'redis://cache:6379', prefix: 'pigeon:' });
    expect(config.port).toBe(4000);
    expect(config.warmUpSends).toBe(2000);
    expect(
      loadConfig({ DATABASE_URL: 'postgres://u@db/p', JWT_SECRET: secret, WARM_UP_SENDS: '0' }).warmUpSends,
    ).toBe(0);
    expect(() => loadConfig({ WARM_UP_SENDS: 'lots' })).toThrow(/WARM_UP_SENDS/);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ DATABASE_URL: 'postgres://db/p' }, /JWT_SECRET is required/],
    [{ REDIS_URL: 'redis://r' }, /JWT_SECRET is required/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET is required/],
    [{ DATABASE_URL: 'postgres://db/p', JWT_SECRET: 'changeme' }, /at least 32/],
    [{ JWT_SECRET: 'short' }, /at least 32/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes previous JWT keys for rotation, but never weak ones', () => {
    const old = 'an-old-but-long-enough-secret-'.padEnd(40, 'q');
    expect(loadConfig({ JWT_SECRET: secret, JWT_PREVIOUS_SECRETS: `${old}, ` }).jwtPreviousSecrets).toEqual([
      old,
    ]);
    expect(() => loadConfig({ JWT_SECRET: secret, JWT_PREVIOUS_SECRETS: 'changeme' })).toThrow(
      /JWT_PREVIOUS_SECRETS/,
    );
  });

  it('takes a data encryption key (and keys being rotated out), never a weak one', () => {
    const key = 'k'.repeat(40);
    expect(loadConfig({}).dataEncryption).toBeUndefined();
    expect(
      loadConfig({ DATA_ENCRYPTION_KEY: key, DATA_ENCRYPTION_PREVIOUS_KEYS: ` ${'o'.repeat(40)},` })
        .dataEncryption,
    ).toEqual({
      key,
      previousKeys: ['o'.repeat(40)],
    });
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'short' })).toThrow(
      /DATA_ENCRYPTION_KEY must be at least 32/,
    );
    expect(() => loadConfig({ DATA_ENCRYPTION_PREVIOUS_KEYS: key })).toThrow(/needs DATA_ENCRYPTION_KEY/);
  });

  it('reads rate-limit overrides and the proxy setting, and refuses malformed ones', () => {
    const config = loadConfig({
      TRUST_PROXY: 'true',
      RATE_LIMITS: JSON.stringify({ messages: { points: 50, durationSeconds: 1 } }),
    });
    expect(config.trustProxy).toBe(true);
    expect(config.rateLimits).toEqual({ messages: { points: 50, durationSeconds: 1 } });
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(() => loadConfig({ RATE_LIMITS: '{"messages":{"points":-1,"durationSeconds":1}}' })).toThrow(
      /RATE_LIMITS/,
    );
    expect(() => loadConfig({ RATE_LIMITS: 'not json' })).toThrow(/RATE_LIMITS/);
    expect(() => loadConfig({ RATE_LIMITS: '{"nonsense":{"points":1,"durationSeconds":1}}' })).toThrow(
      /RATE_LIMITS/,
    );
  });

  it('takes an override for every limit the server has, the photo and group ones included', () => {
    const every = Object.fromEntries(
      Object.keys(DEFAULT_RATE_LIMITS).map((name) => [name, { points: 7, durationSeconds: 60 }]),
    );
    expect(Object.keys(every)).toEqual(
      expect.arrayContaining(['avatarChanges', 'groupChanges', 'loginBackoff']),
    );
    expect(loadConfig({ RATE_LIMITS: JSON.stringify(every) }).rateLimits).toEqual(every);
  });

  it('exits non-zero with a readable message on bad configuration', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://127.0.0.1:1/x' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('Invalid configuration');
    expect(run.stderr).toContain('JWT_SECRET is required');
  });
});
