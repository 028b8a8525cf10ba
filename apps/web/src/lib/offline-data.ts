import { clear, createStore, get, set } from 'idb-keyval';
import type { PendingMessage } from '../store/outbox';
import { forgetDeviceUser } from './device-user';

/**
 * What this device keeps of a signed-in account in IndexedDB, so the app opens and sends without
 * a network: the outbox (unsent messages, and the files queued with them: `outbox-blobs.ts`), and a copy of the last-seen conversations
 * (`query-persistence.ts`). Keyed by account; everything is wiped on logout. Loaded only
 * after sign-in (never part of the login page's download).
 */
export const offlineDb = createStore('pigeon', 'offline');
const db = offlineDb;

/** Logging out, or another account logging in: nothing of the last one stays on the device. */
export async function clearOfflineData(): Promise<void> {
  forgetDeviceUser();
  await clear(db).catch(() => undefined);
}

export function readKept<T>(key: string): Promise<T | undefined> {
  return get<T>(key, db).catch(() => undefined);
}

export function keep(key: string, value: unknown): Promise<void> {
  return set(key, value, db).catch(() => undefined);
}

export const outboxKey = (userId: string) => `outbox:${userId}`;
export const queriesKey = (userId: string) => `queries:${userId}`;
export type KeptOutbox = PendingMessage[];
