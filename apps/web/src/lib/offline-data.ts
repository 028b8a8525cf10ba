import { clear, createStore, del, get, set } from 'idb-keyval';
import type { PendingMessage } from '../store/outbox';
import { forgetDeviceUser } from './device-user';

/**
 * What this device keeps of a signed-in account in IndexedDB, so the app opens and sends without
 * a network: the outbox (unsent messages, and the files queued with them: `outbox-blobs.ts`), and a copy of the last-seen conversations
 * (`query-persistence.ts`). Keyed by account; everything is wiped on logout. Loaded only
 * after sign-in (never part of the login page's download).
 */
const db = createStore('pigeon', 'offline');

/** Logging out, or another account logging in: nothing of the last one stays on the device. */
export async function clearOfflineData(): Promise<void> {
  forgetDeviceUser();
  await quietly(() => clear(db));
}

export async function readKept<T>(key: string): Promise<T | undefined> {
  return quietly(() => get<T>(key, db));
}

export async function keep(key: string, value: unknown): Promise<void> {
  await quietly(() => set(key, value, db));
}

export async function forgetKept(key: string): Promise<void> {
  await quietly(() => del(key, db));
}

/**
 * Without IndexedDB (some private modes, and test environments) idb-keyval throws before it
 * returns a promise: keeping data for offline use is best effort, so either failure is nothing.
 */
async function quietly<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch {
    return undefined;
  }
}

export const outboxKey = (userId: string) => `outbox:${userId}`;
export const queriesKey = (userId: string) => `queries:${userId}`;
export type KeptOutbox = PendingMessage[];
