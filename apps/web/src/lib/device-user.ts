/**
 * Which account this device last kept offline data for (its id, nothing secret), in
 * localStorage so the app can decide at start, without loading any IndexedDB code, whether
 * there is a kept copy to open.
 */
const KEY = 'pigeon.deviceUser';

export function deviceUser(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function rememberDeviceUser(userId: string): void {
  try {
    localStorage.setItem(KEY, userId);
  } catch {
    // Storage is off (a private window): the app works, it only cannot open offline.
  }
}

export function forgetDeviceUser(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing was kept.
  }
}
