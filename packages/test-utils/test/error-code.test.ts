import { TRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { codeOf, errorCode } from '../src';

it('reads the code of a server-side and of a client-side tRPC error, and of nothing else', () => {
  expect(errorCode(new TRPCError({ code: 'FORBIDDEN' }))).toBe('FORBIDDEN');
  const received = TRPCClientError.from({
    error: { message: 'no', code: -32001, data: { code: 'UNAUTHORIZED' } },
  });
  expect(errorCode(received)).toBe('UNAUTHORIZED');
  expect(errorCode(new Error('plain'))).toBeUndefined();
  expect(errorCode('NOT_FOUND')).toBeUndefined();
});

it("tells how a call ended: 'ok' or its error code", async () => {
  expect(await codeOf(Promise.resolve(1))).toBe('ok');
  expect(await codeOf(Promise.reject(new TRPCError({ code: 'CONFLICT' })))).toBe('CONFLICT');
});
