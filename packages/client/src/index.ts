export {
  createPigeonClient,
  type ConnectionState,
  type PigeonClient,
  type PigeonClientOptions,
} from './client';
export { jitteredBackoff } from './backoff';
export { SessionStore, type StoredSession } from './session';
export type { AppRouter, StreamItem } from '@pigeon/api';
export { TRPCClientError } from '@trpc/client';
export * from '@pigeon/schema';
