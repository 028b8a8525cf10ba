import type { Logger } from './logger';

/** EX_SOFTWARE: the supervisor (systemd, Docker, Kubernetes) sees a crash and restarts it. */
const CRASH_EXIT_CODE = 70;

/**
 * What happens to an error nothing caught, instead of Node's silent-to-the-log-pipeline death.
 *
 * - An exception thrown from a callback (a timer, a socket event) unwound through code whose
 *   state is unknown: Node's own guidance is not to resume. The instance logs it with its stack,
 *   drains (readiness turns to draining, so NGINX sends new requests elsewhere; sockets are asked
 *   to reconnect to another instance) and exits non-zero for the supervisor to restart it. A
 *   second one while draining exits at once.
 * - A promise rejected with no handler unwound only its own promise chain: no caller is left
 *   half-way, so the instance logs it and keeps serving rather than dropping every connection.
 */
export function installLastResortHandlers(log: Logger, drain: () => Promise<void>): void {
  let crashing = false;
  process.on('uncaughtException', (err, origin) => {
    log.fatal({ err, origin }, 'uncaught exception; draining and exiting for a restart');
    if (crashing) process.exit(CRASH_EXIT_CODE);
    crashing = true;
    drain().then(
      () => process.exit(CRASH_EXIT_CODE),
      (drainErr: unknown) => {
        log.error({ err: drainErr }, 'drain after an uncaught exception failed');
        process.exit(CRASH_EXIT_CODE);
      },
    );
  });
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled promise rejection; still serving');
  });
}
