import type { Context, Viewer } from '@pigeon/api';
import { TRPCError } from '@trpc/server';

/** The caller of a file route, held to the same rules as any procedure (trpc.ts `authedProcedure`). */
export function requireViewer(ctx: Context, writes: boolean): Viewer {
  const viewer = ctx.viewer;
  if (!viewer || viewer.expiresAt <= Date.now()) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first.' });
  }
  if (writes && viewer.apiToken?.scope === 'read') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'This API token may only read; it cannot make changes.',
    });
  }
  return viewer;
}
