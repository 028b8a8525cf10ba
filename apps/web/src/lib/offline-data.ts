import { clear, createStore, get, set } from 'idb-keyval';
import type { PendingMessage } from '../store/outbox';

/**
 * What this device keeps of a signed-in account in IndexedDB, so the app opens and sends without
 * a network: the outbox (unsent messages), and a copy of the last-seen conversations
 * (`query-persistence.ts`). Keyed by account; everything is wiped on logout. Loaded only
 * after sign-in (never part of the login page's download).
 */
const db = createStore('pigeon', 'offline');

/** Which account this device last kept data for: read without loading IndexedDB code. */
const DEVICE_USER_KEY = 'pigeon.deviceUser';

export function deviceUser(): string | null {
  try {
    return localStorage.getItem(DEVICE_USER_KEY);
  } catch {
    return null;
  }
}

export function rememberDeviceUser(userId: string): void {
  try {
    localStorage.setItem(DEVICE_USER_KEY, userId);
  } catch {
    // Storage is off (a private window): the app works, it only cannot open offline.
  }
}

/** Logging out, or another account logging in: nothing of the last one stays on the device. */
export async function clearOfflineData(): Promise<void> {
  try {
    localStorage.removeItem(DEVICE_USER_KEY);
  } catch {
    // Nothing was kept.
  }
  await clear(db).catch(() => undefined);
}

export function readKept<T>(key: string): Promise<T | undefined> {
  return get<T>(key, db).catch(() => undefined);
}

export function keep(key: string, value: unknown): Promise<void> {
  return set(key, value, db).catch(() => undefined);
}

export const outboxKey = (userId: string) => `outbox:${userId}`;
export type KeptOutbox = PendingMessage[];
