import type { AppRouter } from './router';
import type { AuthSession } from '@pigeon/schema';
import type { TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import type { SessionStore } from './session';

const SESSION_PATHS = new Set(['auth.login', 'auth.loginSecondFactor', 'auth.register', 'auth.refresh']);

/**
 * Keeps the session in step with the auth procedures, so callers never handle tokens.
 *
 * It is the first link, so it also holds back the `complete` that follows a query's or a
 * mutation's answer: tRPC's client (11.22) settles the call's promise on the answer, and on
 * `complete` aborts an AbortController, which builds a DOMException with a stack trace for every
 * answered call — a tenth of a busy bot's CPU. A call that has its answer needs nothing more;
 * one that completes without an answer still completes (and fails, as tRPC intends).
 */
export function sessionLink(store: SessionStore): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let answered = false;
        return next(op).subscribe({
          next(result) {
            if (SESSION_PATHS.has(op.path)) store.set(result.result.data as AuthSession);
            if (op.path === 'auth.logout') store.set(null);
            if (op.type !== 'subscription') answered = true;
            observer.next(result);
          },
          error(err) {
            observer.error(err);
          },
          complete() {
            if (!answered) observer.complete();
          },
        });
      });
}
