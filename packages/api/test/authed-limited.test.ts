import { randomUUID } from 'node:crypto';
import type { StreamEvent } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EventBus } from '../src/bus';
import type { Context } from '../src/context';
import type { Viewer } from '../src/core/types';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../src/rate-limits';
import {
  authedLimitedProcedure,
  authedProcedure,
  createCallerFactory,
  rateLimited,
  router,
} from '../src/trpc';
import { silentBus, testContext } from './support/context';

/*
 * `authedLimitedProcedure(name)` is `authedProcedure.use(rateLimited(name))` folded into one
 * middleware for the hottest calls. Both are run side by side here over the same resolvers and
 * must answer every case alike: no login, an expired token, a read-only API token, the rate
 * limit, an outage, a commit followed by a failure, and success.
 */

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

const input = z.object({ fail: z.enum(['none', 'outage', 'bug', 'afterCommit']) });

/** Announces one event to `announced`'s user, then does what `fail` says. */
const resolver = async ({
  ctx,
  input: { fail },
}: {
  ctx: Pick<Context, 'viewer'> & { outbox: { committed(d: { userId: string; event: StreamEvent }[]): void } };
  input: z.infer<typeof input>;
}) => {
  await Promise.resolve();
  if (fail === 'outage') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  if (fail === 'bug') throw new Error('a bug');
  ctx.outbox.committed([
    {
      userId: ctx.viewer?.userId ?? 'nobody',
      event: { v: 1, type: 'friend.request_declined', requestId: 'r', id: 1 },
    },
  ]);
  if (fail === 'afterCommit') throw new TRPCError({ code: 'CONFLICT', message: 'after the commit' });
  return 'done';
};

const chained = router({
  send: authedProcedure.use(rateLimited('messages')).input(input).mutation(resolver),
});
const folded = router({ send: authedLimitedProcedure('messages').input(input).mutation(resolver) });

/** A context whose bus writes down what it is told; a budget of two calls per user. */
function contextFor(viewer: Viewer | null) {
  const published: string[] = [];
  const bus: EventBus = {
    ...silentBus,
    publish: (userId, event) => {
      published.push(`${userId} #${event.id}`);
      return Promise.resolve();
    },
  };
  const ctx = testContext({
    bus,
    rateLimits: createRateLimits(
      { ...DEFAULT_RATE_LIMITS, messages: { points: 2, durationSeconds: 60 } },
      null,
    ),
    viewer,
  });
  return { ctx, published };
}

/** Runs `fails` one after another through one router, with one context: outcomes and publishes. */
async function run(which: typeof chained | typeof folded, viewer: Viewer | null, fails: string[]) {
  const { ctx, published } = contextFor(viewer);
  const caller = createCallerFactory(which)(ctx);
  const outcomes: Outcome[] = [];
  for (const fail of fails) {
    try {
      outcomes.push({ ok: true, value: await caller.send({ fail: fail as z.infer<typeof input>['fail'] }) });
    } catch (error) {
      const e = error as TRPCError;
      outcomes.push({ ok: false, code: e.code, message: e.message });
    }
  }
  return { outcomes, published };
}

const live = (extra: Partial<Viewer> = {}): Viewer => ({
  userId: 'u1',
  sessionId: randomUUID(),
  expiresAt: Date.now() + 60_000,
  ...extra,
});

describe('authedLimitedProcedure answers as authedProcedure.use(rateLimited(…))', () => {
  const cases: [string, Viewer | null, string[]][] = [
    ['no login', null, ['none']],
    ['an expired login', live({ expiresAt: Date.now() - 1 }), ['none']],
    ['an expired API token', live({ expiresAt: Date.now() - 1, apiToken: { scope: 'write' } }), ['none']],
    ['a read-only API token', live({ apiToken: { scope: 'read' } }), ['none']],
    ['the budget spent, then refused', live(), ['none', 'afterCommit', 'none', 'none']],
    ['an outage', live(), ['outage']],
    ['a bug', live(), ['bug']],
  ];
  it.each(cases)('%s', async (_name, viewer, fails) => {
    const expected = await run(chained, viewer, fails);
    const actual = await run(folded, viewer, fails);
    expect(actual).toEqual(expected);
    // The cases do reach every branch (so the comparison above cannot pass on empty answers).
    expect(expected.outcomes).toHaveLength(fails.length);
  });

  it('covers what it should: refusals, the budget, outages and the outbox', async () => {
    const budget = await run(folded, live(), ['none', 'afterCommit', 'none']);
    expect(budget.outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual([
      'ok',
      'CONFLICT',
      'TOO_MANY_REQUESTS',
    ]);
    // A call that failed after its commit still announced it; a refused one announced nothing.
    expect(budget.published).toEqual(['u1 #1', 'u1 #1']);
    const outage = await run(folded, live(), ['outage']);
    expect(outage.outcomes).toEqual([
      {
        ok: false,
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringMatching(/cannot be reached/) as string,
      },
    ]);
    const readOnly = await run(folded, live({ apiToken: { scope: 'read' } }), ['none']);
    expect(readOnly.outcomes).toEqual([
      { ok: false, code: 'FORBIDDEN', message: expect.stringMatching(/only read/) as string },
    ]);
  });
});
