import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Env } from '../src/config';

// Turborepo's strict environment mode drops every variable turbo.json does not list, and the
// server then quietly runs on its defaults (`PORT=3918 pnpm dev` on port 3000). The type makes
// this list stop compiling when config.ts reads a new variable, and the test below then asks
// for it in turbo.json.
const serverVariables: Record<keyof Env, true> = {
  NODE_ENV: true,
  HOST: true,
  PORT: true,
  DATABASE_URL: true,
  PIGEON_DATA_DIR: true,
  DATABASE_POOL_SIZE: true,
  REDIS_URL: true,
  REDIS_PREFIX: true,
  JWT_SECRET: true,
  JWT_PREVIOUS_SECRETS: true,
  DATA_ENCRYPTION_KEY: true,
  DATA_ENCRYPTION_PREVIOUS_KEYS: true,
  REGISTRATION_MODE: true,
  ACCESS_TOKEN_TTL_SECONDS: true,
  REFRESH_TOKEN_TTL_SECONDS: true,
  LOG_LEVEL: true,
  SHUTDOWN_GRACE_MS: true,
  TRUST_PROXY: true,
  RATE_LIMITS: true,
  ALLOWED_ORIGINS: true,
  WS_MAX_CONNECTIONS_PER_USER: true,
  SEND_QUEUE_MAX: true,
  WARM_UP_SENDS: true,
  AVATAR_MAX_BYTES: true,
  PRESENCE_TTL_SECONDS: true,
  WS_AUTH_TIMEOUT_MS: true,
  COOKIE_SECURE: true,
  WEB_DIST: true,
  PUBLIC_URL: true,
  SMTP_URL: true,
  SMTP_HOST: true,
  SMTP_PORT: true,
  SMTP_USER: true,
  SMTP_PASS: true,
  SMTP_SECURE: true,
  MAIL_FROM: true,
  UPLOAD_MAX_BYTES: true,
  MESSAGE_MAX_ATTACHMENTS: true,
  UPLOAD_QUOTA_BYTES: true,
  UPLOAD_ORPHAN_TTL_SECONDS: true,
  STORAGE_DRIVER: true,
  STORAGE_DIR: true,
  S3_ENDPOINT: true,
  S3_REGION: true,
  S3_BUCKET: true,
  S3_ACCESS_KEY_ID: true,
  S3_SECRET_ACCESS_KEY: true,
  S3_FORCE_PATH_STYLE: true,
};

interface TurboJson {
  tasks: Record<string, { passThroughEnv?: string[] } | undefined>;
}
const turbo = JSON.parse(readFileSync(new URL('../../../turbo.json', import.meta.url), 'utf8')) as TurboJson;

/** Turborepo's patterns: a name, or a prefix ending in `*`. */
const passes = (patterns: string[], name: string) =>
  patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));

it.each(['dev', 'start'])('turbo passes every server setting to the %s task', (task) => {
  const patterns = turbo.tasks[task]?.passThroughEnv ?? [];
  const dropped = Object.keys(serverVariables).filter((name) => !passes(patterns, name));
  expect(dropped).toEqual([]);
});
