export {
  createPigeonClient,
  type ConnectionState,
  type PigeonClient,
  type PigeonClientOptions,
  type PigeonExtras,
} from './client';
export { jitteredBackoff } from './backoff';
export { secondFactorChallengeOf } from './second-factor';
export { SessionStore, type RefreshFn, type SharedSession, type StoredSession } from './session';
export { NO_WEBSOCKET_MESSAGE, type WebSocketClass } from './socket';
export { uploadAttachment, UploadError, type UploadTarget } from './uploads';
export type { AppRouter, StreamItem } from './router';
export { TRPCClientError } from '@trpc/client';
export * from '@pigeon/schema';
