import type { Me } from '@pigeon/schema';
import { describe, expect, it } from 'vitest';
import { createStore } from '../src/store';
import { networkChanged, socketStatusChanged } from '../src/store/connection';
import { confirmed, failed, pendingById, pendingIn, queued, retried } from '../src/store/outbox';
import { loggedIn, loggedOut } from '../src/store/session';

const conversationId = 'conv';
const ada: Me = {
  id: 'u',
  username: 'ada',
  displayName: null,
  isBot: false,
  email: null,
  emailVerified: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  isAdmin: false,
  avatarUrl: null,
};

describe('the outbox', () => {
  it('tracks a send from queued to failed to retried to confirmed', () => {
    const store = createStore();
    store.dispatch(
      queued({ clientId: 'a', conversationId, body: 'hi', createdAt: '2026-01-01T00:00:00.000Z' }),
    );
    store.dispatch(
      queued({ clientId: 'b', conversationId: 'other', body: 'yo', createdAt: '2026-01-01T00:00:01.000Z' }),
    );
    expect(pendingIn(store.getState().outbox, conversationId).map((m) => m.clientId)).toEqual(['a']);
    store.dispatch(failed('a'));
    expect(pendingById(store.getState().outbox, 'a')?.status).toBe('failed');
    store.dispatch(retried('a'));
    expect(pendingById(store.getState().outbox, 'a')?.status).toBe('queued');
    store.dispatch(confirmed('a'));
    expect(pendingById(store.getState().outbox, 'a')).toBeUndefined();
    expect(pendingIn(store.getState().outbox, 'other')).toHaveLength(1);
  });

  it('orders a conversation’s pending sends by time', () => {
    const store = createStore();
    store.dispatch(
      queued({ clientId: 'late', conversationId, body: '2', createdAt: '2026-01-01T00:00:02.000Z' }),
    );
    store.dispatch(
      queued({ clientId: 'early', conversationId, body: '1', createdAt: '2026-01-01T00:00:01.000Z' }),
    );
    expect(pendingIn(store.getState().outbox, conversationId).map((m) => m.clientId)).toEqual([
      'early',
      'late',
    ]);
  });
});

describe('connection and session', () => {
  it('shows offline while the browser has no network, whatever the socket says', () => {
    const store = createStore();
    store.dispatch(socketStatusChanged('connected'));
    expect(store.getState().connection.status).toBe('connected');
    store.dispatch(networkChanged(false));
    store.dispatch(socketStatusChanged('reconnecting'));
    expect(store.getState().connection.status).toBe('offline');
    store.dispatch(networkChanged(true));
    expect(store.getState().connection.status).toBe('reconnecting');
    store.dispatch(socketStatusChanged('connected'));
    expect(store.getState().connection.status).toBe('connected');
  });

  it('is connected again when the network returns to a socket that stayed open', () => {
    const store = createStore();
    store.dispatch(socketStatusChanged('connected'));
    store.dispatch(networkChanged(false));
    expect(store.getState().connection.status).toBe('offline');
    store.dispatch(networkChanged(true));
    expect(store.getState().connection.status).toBe('connected');
  });

  it('knows nothing about the session until told', () => {
    const store = createStore();
    expect(store.getState().session.status).toBe('unknown');
    store.dispatch(loggedIn(ada));
    expect(store.getState().session).toEqual({ status: 'authenticated', userId: 'u', offline: false });
    store.dispatch(loggedOut());
    expect(store.getState().session).toEqual({ status: 'anonymous', userId: null, offline: false });
  });
});
