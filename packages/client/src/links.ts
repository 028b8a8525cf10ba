import type { AppRouter } from './router';
import type { AuthSession } from '@pigeon/schema';
import type { TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import type { SessionStore } from './session';

const SESSION_PATHS = new Set(['auth.login', 'auth.loginSecondFactor', 'auth.register', 'auth.refresh']);

/** Keeps the session in step with the auth procedures, so callers never handle tokens. */
export function sessionLink(store: SessionStore): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) =>
        next(op).subscribe({
          next(result) {
            if (SESSION_PATHS.has(op.path)) store.set(result.result.data as AuthSession);
            if (op.path === 'auth.logout') store.set(null);
            observer.next(result);
          },
          error(err) {
            observer.error(err);
          },
          complete() {
            observer.complete();
          },
        }),
      );
}
