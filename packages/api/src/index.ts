export { appRouter, type AppRouter } from './router';
export { sendMessageDirect } from './routers/messages';
export { internalErrorMessage } from './client-errors';
export { createContext, type ApiDeps, type Context } from './context';
export type { CookieJar, Logger, StreamItem, Viewer } from './core/types';
export { REFRESH_COOKIE } from './services/refresh-cookie';
export { InProcessEventBus, type BusListener, type BusSignal, type EventBus } from './bus';
export { readStreamsAfter, type StreamReadout } from './core/event-log';
export { sendBatchWarmUp } from './services/send-batch';
export {
  aggregate,
  AWAY_TTL_FACTOR,
  InProcessPresenceStore,
  lifetimeOf,
  type ConnectionState,
  type PresenceChange,
  type PresenceReading,
  type PresenceStore,
} from './presence-store';
export { startPresenceSweeper } from './services/presence-tracking';
export { createTokenService, type TokenConfig, type TokenService } from './services/tokens';
export { withVerifiedTokenCache } from './services/token-cache';
export { noMetrics, type ApiMetrics } from './metrics';
export { SendQueue, type SendQueueOptions } from './services/send-queue';
export {
  DEFAULT_UPLOAD_LIMITS,
  forgetUpload,
  quotaExceeded,
  readableAttachment,
  recordUpload,
  startFileSweeper,
  sweepFiles,
  uploadKeys,
  usedBytes,
  type NewUpload,
  type UploadLimits,
} from './services/attachments';
export {
  createRateLimits,
  DEFAULT_RATE_LIMITS,
  RetryAfter,
  type LimitName,
  type RateLimitRule,
  type RateLimitRules,
  type RateLimits,
} from './rate-limits';
export { createSessionStatus, type SessionStatus } from './services/session-status';
export type { EmailDelivery, Mailer, OutgoingMail } from './mailer';
export { createSecretBox, SecretBoxError, type SecretBox } from './services/secret-box';
export { resealTwoFactorSecrets } from './services/two-factor-at-rest';
export { uploadAvatar } from './avatar-uploads';
export { avatarObjectKey, isAvatarKey, type AvatarImage, type AvatarTarget } from './services/avatars';
export {
  accountArchive,
  archiveOwner,
  safeFileName,
  type AccountArchive,
  type ArchiveOwner,
  type ArchivedFile,
} from './account-archive';
