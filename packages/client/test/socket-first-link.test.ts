import type { AppRouter } from '@pigeon/api';
import { TRPCClientError, type Operation, type OperationResultEnvelope, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { describe, expect, it } from 'vitest';
import { socketFirstLink } from '../src/socket-first-link';

type Outcome = { data: string } | { error: TRPCClientError<AppRouter> };

/** A terminating link that answers every call with the given outcome and records the calls. */
function endLink(outcome: Outcome) {
  const calls: string[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable<OperationResultEnvelope<unknown, TRPCClientError<AppRouter>>, TRPCClientError<AppRouter>>(
        (observer) => {
          calls.push(op.path);
          if ('error' in outcome) observer.error(outcome.error);
          else {
            observer.next({ result: { type: 'data', data: outcome.data } });
            observer.complete();
          }
        },
      );
  return { link, calls };
}

const closedSocket = () => TRPCClientError.from(new Error('WebSocket closed'));
const serverSaid = (code: string) =>
  TRPCClientError.from({ error: { message: code, code: -32000, data: { code } } });

function run(link: TRPCLink<AppRouter>, op: Partial<Operation> & { path: string }) {
  const operation: Operation = { id: 1, type: 'mutation', input: {}, context: {}, signal: null, ...op };
  return new Promise<unknown>((resolve, reject) => {
    link({})({ op: operation, next: () => observable(() => undefined) }).subscribe({
      next: (v) => resolve(v.result.type === 'data' ? v.result.data : undefined),
      error: reject,
    });
  });
}

describe('socketFirstLink', () => {
  it('tries the socket first and answers from it', async () => {
    const socket = endLink({ data: 'from socket' });
    const http = endLink({ data: 'from http' });
    const link = socketFirstLink({ socket: socket.link, http: http.link, viaSocket: () => true });
    expect(await run(link, { path: 'messages.send' })).toBe('from socket');
    expect(http.calls).toEqual([]);
  });

  it('sends once more over HTTP when the socket closed under the call, or its token ran out', async () => {
    for (const error of [closedSocket(), serverSaid('UNAUTHORIZED')]) {
      const socket = endLink({ error });
      const http = endLink({ data: 'from http' });
      const link = socketFirstLink({ socket: socket.link, http: http.link, viaSocket: () => true });
      expect(await run(link, { path: 'messages.send' })).toBe('from http');
      expect([socket.calls, http.calls]).toEqual([['messages.send'], ['messages.send']]);
    }
  });

  it('keeps any other answer of the server, and never retries a subscription', async () => {
    const http = endLink({ data: 'from http' });
    const refused = socketFirstLink({
      socket: endLink({ error: serverSaid('FORBIDDEN') }).link,
      http: http.link,
      viaSocket: () => true,
    });
    await expect(run(refused, { path: 'messages.send' })).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
    });
    const broken = socketFirstLink({
      socket: endLink({ error: closedSocket() }).link,
      http: http.link,
      viaSocket: () => true,
    });
    await expect(run(broken, { path: 'events.subscribe', type: 'subscription' })).rejects.toThrow(
      'WebSocket closed',
    );
    expect(http.calls).toEqual([]);
  });

  it('sends everything else over HTTP', async () => {
    const socket = endLink({ data: 'from socket' });
    const http = endLink({ data: 'from http' });
    const link = socketFirstLink({
      socket: socket.link,
      http: http.link,
      viaSocket: (op) => op.path === 'messages.send',
    });
    expect(await run(link, { path: 'users.search', type: 'query' })).toBe('from http');
    expect(socket.calls).toEqual([]);
  });
});
