import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/*
 * tRPC's build copies every call's options and each context handed to `next({ ctx })` through
 * babel's `_objectSpread2`, a loop of `defineProperty` calls. patches/@trpc__server@11.22.1.patch
 * (and the client's) makes it `Object.assign` for plain sources: ~9 % of an instance's CPU at
 * 1,500 sends a second (docs/benchmarks.md). These tests hold the copies to what a spread does.
 */

const symbolKey = Symbol('key');

interface TestContext {
  [key: string]: unknown;
  [symbolKey]?: unknown;
}

const t = initTRPC.context<TestContext>().create();
const router = t.router({
  seen: t.procedure
    .use(({ next }) => next({ ctx: { added: 'by middleware' } }))
    .input(z.object({ n: z.number() }))
    .query(({ ctx, input }) => ({ ctx, input })),
});
const callerFor = t.createCallerFactory(router);

describe('the patched object spread in tRPC', () => {
  it('is the one installed', () => {
    const dist = dirname(createRequire(import.meta.url).resolve('@trpc/server'));
    const helpers = readdirSync(dist)
      .filter((name) => /\.(c|m)?js$/.test(name))
      .map((name) => readFileSync(join(dist, name), 'utf8'))
      .filter((text) => text.includes('function _objectSpread2('));
    expect(helpers.length).toBeGreaterThan(0);
    for (const text of helpers) expect(text).toContain('Patched in Pigeon');
  });

  it('copies every own enumerable key of a context, symbols and getters included', async () => {
    const ctx: TestContext = { [symbolKey]: 'symbol value' };
    for (let i = 0; i < 30; i++) ctx[`key${i}`] = i;
    Object.defineProperty(ctx, 'computed', { enumerable: true, get: () => 'from a getter' });
    Object.defineProperty(ctx, 'hidden', { enumerable: false, value: 'not copied' });

    const result = await callerFor(ctx).seen({ n: 1 });
    const seen: TestContext = result.ctx;
    const input = result.input;

    expect(input).toEqual({ n: 1 });
    expect(seen.added).toBe('by middleware');
    expect(seen[symbolKey]).toBe('symbol value');
    expect(seen.computed).toBe('from a getter');
    expect(Object.getOwnPropertyDescriptor(seen, 'computed')).toMatchObject({ value: 'from a getter' });
    expect(seen.hidden).toBeUndefined();
    for (let i = 0; i < 30; i++) expect(seen[`key${i}`]).toBe(i);
  });

  it('keeps an own "__proto__" key a plain key, never the copy’s prototype', async () => {
    // JSON.parse makes "__proto__" an own data property; Object.assign would call the setter.
    const ctx = JSON.parse('{"__proto__": {"isAdmin": true}, "user": "mallory"}') as TestContext;

    const seen: TestContext = (await callerFor(ctx).seen({ n: 2 })).ctx;

    expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
    expect(seen.isAdmin).toBeUndefined();
    expect(seen.user).toBe('mallory');
    expect(Object.getOwnPropertyDescriptor(seen, '__proto__')?.value).toEqual({ isAdmin: true });
  });
});
