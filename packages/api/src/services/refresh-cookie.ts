import type { AuthSession } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import type { CookieJar } from '../core/types';

/** The httpOnly cookie that holds a browser's refresh token. */
export const REFRESH_COOKIE = 'pigeon_refresh';

export function refreshTokenFromCookie(cookies: CookieJar | null): string | undefined {
  return cookies?.get(REFRESH_COOKIE);
}

/** With `intoCookie`, moves the refresh token from the response body into the httpOnly cookie. */
export function deliverSession(
  cookies: CookieJar | null,
  session: AuthSession,
  intoCookie: boolean,
): AuthSession {
  if (!intoCookie || session.refreshToken === null) return session;
  if (!cookies) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Cookie sessions need an HTTP request.' });
  }
  const maxAge = Math.floor((Date.parse(session.refreshTokenExpiresAt) - Date.now()) / 1000);
  cookies.set(REFRESH_COOKIE, session.refreshToken, maxAge);
  return { ...session, refreshToken: null };
}

export function clearRefreshCookie(cookies: CookieJar | null): void {
  cookies?.clear(REFRESH_COOKIE);
}
