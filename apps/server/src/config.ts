import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RATE_LIMITS, type LimitName, type RateLimitRules, type UploadLimits } from '@pigeon/api';
import { limits, registrationMode, type RegistrationMode } from '@pigeon/schema';
import { z } from 'zod';
import type { MaintenanceSchedule } from './embedded-maintenance';

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

const WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'jwt-secret', 'pigeon', 'development']);

const postgresUrl = z
  .url({ error: 'DATABASE_URL must be a URL.' })
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'DATABASE_URL must start with postgres:// or postgresql://.');
const redisUrl = z
  .url({ error: 'REDIS_URL must be a URL.' })
  .refine((u) => /^rediss?:\/\//.test(u), 'REDIS_URL must start with redis:// or rediss://.');

const rule = z.object({
  points: z.number().int().positive(),
  durationSeconds: z.number().int().positive(),
  burst: z
    .object({ points: z.number().int().positive(), durationSeconds: z.number().int().positive() })
    .optional(),
});
// Every limit the server has can be overridden: the names come from the defaults themselves.
const limitNames = Object.keys(DEFAULT_RATE_LIMITS) as [LimitName, ...LimitName[]];
const rateLimitOverrides = z.partialRecord(z.enum(limitNames), rule);

/** `a, b,` → ['a', 'b']: lists of keys in one variable. */
const commaSeparated = z.string().transform((list) =>
  list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const weakSecret = (secret: string) => secret.length < 32 || WEAK_SECRETS.has(secret.toLowerCase());

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    DATABASE_URL: postgresUrl.optional(),
    PIGEON_DATA_DIR: z.string().min(1).default('./.pigeon-data'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: redisUrl.optional(),
    REDIS_PREFIX: z.string().max(64).default('pigeon:'),
    JWT_SECRET: z.string().optional(),
    /** Seals two-factor secrets in the database (AES-256-GCM); optional, recommended. */
    DATA_ENCRYPTION_KEY: z.string().optional(),
    /** Keys being rotated out: values sealed under them are read, then sealed again at start. */
    DATA_ENCRYPTION_PREVIOUS_KEYS: commaSeparated.optional(),
    /** Keys being rotated out (comma-separated): tokens they signed verify until they expire. */
    JWT_PREVIOUS_SECRETS: commaSeparated.optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(3_600)
      .max(365 * 86_400)
      .default(30 * 86_400),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /** Believe X-Real-IP from the proxy in front (NGINX) for per-address limits. */
    TRUST_PROXY: z.enum(['true', 'false']).default('false'),
    /** Overrides of the default rate limits, as JSON: {"messages":{"points":50,"durationSeconds":1}}. */
    RATE_LIMITS: z
      .string()
      .transform((text, ctx) => {
        try {
          return rateLimitOverrides.parse(JSON.parse(text));
        } catch (err) {
          ctx.addIssue({
            code: 'custom',
            message: `RATE_LIMITS must be JSON rate-limit rules (${String(err)}).`,
          });
          return z.NEVER;
        }
      })
      .optional(),
    /** Other sites allowed to call the API from a browser (comma-separated origins). */
    ALLOWED_ORIGINS: commaSeparated
      .pipe(z.array(z.url({ error: 'ALLOWED_ORIGINS must be origins like https://chat.example.com.' })))
      .optional(),
    /** Sends waiting for their transaction on one instance; more are refused TOO_MANY_REQUESTS. */
    SEND_QUEUE_MAX: z.coerce.number().int().min(1).max(100_000).default(1024),
    /**
     * Sends (to no conversation, stored nowhere) run before the server says ready, so V8 has
     * compiled the send and delivery paths before the first person's message. 0 turns it off.
     * Defaults to 2000 on PostgreSQL, 0 on the embedded database (a small host's memory first).
     */
    WARM_UP_SENDS: z.coerce.number().int().min(0).max(20_000).optional(),
    /** WebSockets one user may hold on one instance. */
    WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(100_000).default(20),
    /** A tab that sends no presence heartbeat for this long counts as gone (it beats every third). */
    PRESENCE_TTL_SECONDS: z.coerce.number().int().min(5).max(3_600).default(45),
    /** The largest avatar upload, in bytes (the stored photo is a 512 px WebP, far smaller). */
    AVATAR_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** A WebSocket that has not authenticated by then is closed. */
    WS_AUTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /**
     * Mark the refresh cookie `Secure` (HTTPS only). `auto`: when the request came over HTTPS,
     * this server's or the trusted proxy's (`X-Forwarded-Proto`, with TRUST_PROXY=true).
     */
    COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
    /** The built web app to serve; defaults to apps/web/dist when it exists. */
    WEB_DIST: z.string().min(1).optional(),
    /** Who may register until the admin chooses in the admin page: open, invite or closed. */
    REGISTRATION_MODE: registrationMode.default('open'),
    /** Where people reach this server (links in emails point there), e.g. https://chat.example.com. */
    PUBLIC_URL: z
      .url({ error: 'PUBLIC_URL must be a URL like https://chat.example.com.' })
      .refine((u) => /^https?:\/\//.test(u), 'PUBLIC_URL must start with http:// or https://.')
      .optional(),
    /** The SMTP server for account emails, as one URL (smtps://user:pass@host:465) … */
    SMTP_URL: z
      .url({ error: 'SMTP_URL must be a URL like smtps://user:pass@mail.example.com:465.' })
      .refine((u) => /^smtps?:\/\//.test(u), 'SMTP_URL must start with smtp:// or smtps://.')
      .optional(),
    /** … or in parts. */
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASS: z.string().optional(),
    /** `true`: TLS from the first byte (port 465); `false`: STARTTLS when the server offers it. */
    SMTP_SECURE: z.enum(['true', 'false']).optional(),
    /** The sender of account emails: `Pigeon <no-reply@example.com>`. */
    MAIL_FROM: z.string().min(3).max(320).optional(),
    /** One uploaded file at most, in bytes (refused while it streams in). */
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(5 * 1024 ** 3)
      .default(limits.uploadBytes.default),
    /** Files on one message at most. */
    MESSAGE_MAX_ATTACHMENTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(limits.attachmentsPerMessage.max)
      .default(limits.attachmentsPerMessage.default),
    /** What one user's uploads may take together, in bytes. */
    UPLOAD_QUOTA_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(Number.MAX_SAFE_INTEGER)
      .default(1024 ** 3),
    /** An upload sent with no message is removed after this long. */
    UPLOAD_ORPHAN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(86_400),
    /** Where attachments and avatars live: a directory (`filesystem`) or a bucket (`s3`). */
    STORAGE_DRIVER: z.enum(['filesystem', 's3']).default('filesystem'),
    /** The filesystem driver's directory; defaults to `files` in PIGEON_DATA_DIR. */
    STORAGE_DIR: z.string().min(1).optional(),
    /** An S3-compatible server (MinIO, R2…); unset for AWS S3 itself. */
    S3_ENDPOINT: z
      .url({ error: 'S3_ENDPOINT must be a URL like http://minio:9000.' })
      .refine((u) => /^https?:\/\//.test(u), 'S3_ENDPOINT must start with http:// or https://.')
      .optional(),
    S3_REGION: z.string().min(1).max(64).default('us-east-1'),
    S3_BUCKET: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'S3_BUCKET must be a bucket name (3-63 of a-z, 0-9, ".", "-").',
      )
      .optional(),
    /** Both or neither: without them the AWS SDK's own chain (env, profile, instance role) applies. */
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** `true`: the bucket in the URL path (most self-hosted servers); defaults to true with S3_ENDPOINT. */
    S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
  })
  .superRefine((env, ctx) => {
    const smtpParts = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_USER', 'SMTP_PASS', 'SMTP_SECURE'] as const;
    const partsGiven = smtpParts.filter((name) => env[name] !== undefined);
    if (env.SMTP_URL !== undefined && partsGiven.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_URL'],
        message: `Give SMTP_URL or ${partsGiven.join('/')}, not both.`,
      });
    }
    if (env.SMTP_URL === undefined && partsGiven.length > 0 && env.SMTP_HOST === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_HOST'],
        message: 'SMTP_HOST is required with SMTP_PORT/SMTP_USER/SMTP_PASS/SMTP_SECURE.',
      });
    }
    const smtp = env.SMTP_URL !== undefined || env.SMTP_HOST !== undefined;
    if (smtp && env.MAIL_FROM === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['MAIL_FROM'],
        message: 'MAIL_FROM is required with SMTP (e.g. "Pigeon <no-reply@example.com>").',
      });
    }
    if (smtp && env.PUBLIC_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: 'PUBLIC_URL is required with SMTP: the links in emails point there.',
      });
    }
    if (!smtp && env.MAIL_FROM !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['MAIL_FROM'],
        message: 'MAIL_FROM needs SMTP_URL or SMTP_HOST to send through.',
      });
    }
  })
  .superRefine((env, ctx) => {
    const s3Settings = [
      'S3_ENDPOINT',
      'S3_BUCKET',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'S3_FORCE_PATH_STYLE',
    ] as const;
    if (env.STORAGE_DRIVER === 'filesystem') {
      // A bucket configured but not used would silently keep every file on one instance's disk.
      const given = s3Settings.filter((name) => env[name] !== undefined);
      if (given.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['STORAGE_DRIVER'],
          message: `${given.join('/')} set, but STORAGE_DRIVER is filesystem: set STORAGE_DRIVER=s3 to use the bucket.`,
        });
      }
      return;
    }
    if (env.S3_BUCKET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_BUCKET'],
        message: 'S3_BUCKET is required with STORAGE_DRIVER=s3.',
      });
    }
    if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_SECRET_ACCESS_KEY'],
        message:
          'Give S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY together (or neither, for the AWS default credentials).',
      });
    }
    if (env.STORAGE_DIR !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['STORAGE_DIR'],
        message: 'STORAGE_DIR is for STORAGE_DRIVER=filesystem.',
      });
    }
  })
  .superRefine((env, ctx) => {
    const cluster = env.DATABASE_URL !== undefined || env.REDIS_URL !== undefined;
    const mustHaveSecret = cluster || env.NODE_ENV === 'production';
    if (env.JWT_SECRET === undefined) {
      if (mustHaveSecret) {
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_SECRET'],
          message:
            'JWT_SECRET is required with DATABASE_URL/REDIS_URL or in production (32+ random characters).',
        });
      }
      return;
    }
    if (weakSecret(env.JWT_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'JWT_SECRET must be at least 32 random characters (e.g. `openssl rand -base64 48`).',
      });
    }
    if (env.JWT_PREVIOUS_SECRETS?.some(weakSecret)) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PREVIOUS_SECRETS'],
        message: 'Every key in JWT_PREVIOUS_SECRETS must be at least 32 random characters.',
      });
    }
  })
  .superRefine((env, ctx) => {
    if (env.DATA_ENCRYPTION_KEY !== undefined && weakSecret(env.DATA_ENCRYPTION_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATA_ENCRYPTION_KEY'],
        message:
          'DATA_ENCRYPTION_KEY must be at least 32 random characters (e.g. `openssl rand -base64 48`).',
      });
    }
    if (env.DATA_ENCRYPTION_PREVIOUS_KEYS?.length && env.DATA_ENCRYPTION_KEY === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATA_ENCRYPTION_PREVIOUS_KEYS'],
        message:
          'DATA_ENCRYPTION_PREVIOUS_KEYS needs DATA_ENCRYPTION_KEY, the key to seal secrets under from now on.',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface ServerConfig {
  host: string;
  port: number;
  database: { url: string | undefined; dataDir: string; poolSize: number };
  redis: { url: string; prefix: string } | undefined;
  /** Undefined only in embedded mode, where a secret is generated into the data directory. */
  jwtSecret: string | undefined;
  /** Old signing keys still accepted while their tokens live (key rotation). */
  jwtPreviousSecrets?: string[];
  /** DATA_ENCRYPTION_KEY (and keys being rotated out); undefined: two-factor secrets stored plain. */
  dataEncryption?: { key: string; previousKeys: string[] } | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  logLevel: Env['LOG_LEVEL'];
  shutdownGraceMs: number;
  /** Defaults to 10 s. */
  wsAuthTimeoutMs?: number;
  /** Defaults to 20. */
  wsMaxConnectionsPerUser?: number;
  /** Sends waiting for a transaction on this instance at most (back-pressure). Defaults to 1024. */
  sendQueueMax?: number;
  /** Synthetic sends run before ready (apps/server/src/warm-up); absent or 0: none. */
  warmUpSends?: number;
  /** How often an idle SSE event stream gets a keep-alive comment. Defaults to 15 s. */
  sseKeepAliveMs?: number;
  /**
   * How long a connection counts as present without a heartbeat, and how often each instance
   * looks for users whose connections all expired. Defaults to 45 s and 5 s.
   */
  presence?: { ttlMs: number; sweepMs: number };
  /** Foreign origins allowed besides the app's own (which always is). */
  allowedOrigins?: string[];
  /** Believe X-Real-IP and X-Forwarded-Proto (set by the trusted proxy in front). */
  trustProxy?: boolean;
  /** Overrides of DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimitRules>;
  /** `auto`: `Secure` when the request arrived over HTTPS (see http/transport.ts). */
  cookieSecure: boolean | 'auto';
  /** Directory of the built web app, or undefined to serve none. */
  webDist: string | undefined;
  /** Registration until the admin sets it; defaults to open. */
  registrationMode?: RegistrationMode;
  /** Account emails (SMTP_*, MAIL_FROM, PUBLIC_URL); undefined: none are sent. */
  email?: EmailConfig | undefined;
  /** Upload sizes, counts, quota and orphan age; defaults to DEFAULT_UPLOAD_LIMITS. */
  uploads?: UploadLimits;
  /** How often the file sweep runs (orphans, failed removals). Defaults to 10 minutes. */
  fileSweepMs?: number;
  /** When the embedded database is analyzed and vacuumed; DEFAULT_MAINTENANCE_SCHEDULE if absent. */
  databaseMaintenance?: MaintenanceSchedule;
  /** The largest avatar upload in bytes (AVATAR_MAX_BYTES); defaults to 5 MiB. */
  avatarMaxBytes?: number;
  /**
   * Attachments and avatars (STORAGE_*, S3_*). Absent: `files` in the data directory, or a
   * temporary directory removed at shutdown when the database is in memory (tests).
   */
  storage?: StorageConfig;
}

/** Where uploaded files are kept. */
export type StorageConfig =
  | { driver: 'filesystem'; dir: string }
  | {
      driver: 's3';
      endpoint?: string | undefined;
      region: string;
      bucket: string;
      accessKeyId?: string | undefined;
      secretAccessKey?: string | undefined;
      forcePathStyle: boolean;
    };

/** The SMTP server for account emails: one URL, or its parts. */
export type SmtpConfig =
  | { url: string }
  | { host: string; port: number; secure: boolean; user?: string | undefined; pass?: string | undefined };

/** Email for password resets and address verification (absent: the admin resets passwords). */
export interface EmailConfig {
  smtp: SmtpConfig;
  /** The From of every account email. */
  from: string;
  /** The origin people reach the server at; emailed links point there. */
  publicUrl: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  // Treat VAR= (empty) as unset, as shells and compose files often produce it.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'env'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    database: { url: e.DATABASE_URL, dataDir: e.PIGEON_DATA_DIR, poolSize: e.DATABASE_POOL_SIZE },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : undefined,
    jwtSecret: e.JWT_SECRET,
    jwtPreviousSecrets: e.JWT_PREVIOUS_SECRETS ?? [],
    dataEncryption: e.DATA_ENCRYPTION_KEY
      ? { key: e.DATA_ENCRYPTION_KEY, previousKeys: e.DATA_ENCRYPTION_PREVIOUS_KEYS ?? [] }
      : undefined,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    wsAuthTimeoutMs: e.WS_AUTH_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY === 'true',
    wsMaxConnectionsPerUser: e.WS_MAX_CONNECTIONS_PER_USER,
    sendQueueMax: e.SEND_QUEUE_MAX,
    warmUpSends: e.WARM_UP_SENDS ?? (e.DATABASE_URL ? 2_000 : 0),
    presence: {
      ttlMs: e.PRESENCE_TTL_SECONDS * 1000,
      sweepMs: Math.min(5_000, (e.PRESENCE_TTL_SECONDS * 1000) / 3),
    },
    allowedOrigins: e.ALLOWED_ORIGINS ?? [],
    rateLimits: e.RATE_LIMITS ?? {},
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    registrationMode: e.REGISTRATION_MODE,
    email: emailConfig(e),
    uploads: {
      maxBytes: e.UPLOAD_MAX_BYTES,
      maxPerMessage: e.MESSAGE_MAX_ATTACHMENTS,
      quotaBytes: e.UPLOAD_QUOTA_BYTES,
      orphanTtlSeconds: e.UPLOAD_ORPHAN_TTL_SECONDS,
    },
    avatarMaxBytes: e.AVATAR_MAX_BYTES,
    ...optional('storage', storageConfig(e)),
    webDist: e.WEB_DIST ?? (existsSync(join(defaultWebDist, 'index.html')) ? defaultWebDist : undefined),
  };
}

/** `{ [key]: value }`, or nothing when value is undefined (optional properties stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function storageConfig(e: Env): StorageConfig | undefined {
  if (e.STORAGE_DRIVER === 'filesystem') {
    if (e.STORAGE_DIR) return { driver: 'filesystem', dir: e.STORAGE_DIR };
    // An in-memory database gets a throw-away directory (see ServerConfig.storage).
    if (e.PIGEON_DATA_DIR.startsWith('memory://')) return undefined;
    return { driver: 'filesystem', dir: join(e.PIGEON_DATA_DIR, 'files') };
  }
  return {
    driver: 's3',
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    // Checked above: STORAGE_DRIVER=s3 requires S3_BUCKET.
    bucket: e.S3_BUCKET ?? '',
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle:
      e.S3_FORCE_PATH_STYLE === undefined ? e.S3_ENDPOINT !== undefined : e.S3_FORCE_PATH_STYLE === 'true',
  };
}

function emailConfig(e: Env): EmailConfig | undefined {
  if (!e.MAIL_FROM || !e.PUBLIC_URL) return undefined;
  const smtp: SmtpConfig | undefined = e.SMTP_URL
    ? { url: e.SMTP_URL }
    : e.SMTP_HOST
      ? {
          host: e.SMTP_HOST,
          secure: e.SMTP_SECURE === 'true',
          port: e.SMTP_PORT ?? (e.SMTP_SECURE === 'true' ? 465 : 587),
          user: e.SMTP_USER,
          pass: e.SMTP_PASS,
        }
      : undefined;
  return smtp ? { smtp, from: e.MAIL_FROM, publicUrl: new URL(e.PUBLIC_URL).origin } : undefined;
}
