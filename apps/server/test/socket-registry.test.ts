import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  WS_CLOSE_AUTH_TIMEOUT,
  WS_CLOSE_SESSION_ENDED,
  WS_CLOSE_TOKEN_EXPIRED,
  WS_CLOSE_TOO_MANY,
} from '../src/ws/close-codes';
import { SocketRegistry, type SocketHolder } from '../src/ws/socket-registry';

/** Records how the server closed it; `hangUp` is the peer closing it. */
class FakeSocket extends EventEmitter {
  closedWith: { code: number; reason: string } | null = null;
  close(code: number, reason: string) {
    this.closedWith ??= { code, reason };
    this.hangUp();
  }
  hangUp() {
    this.emit('close');
    this.removeAllListeners('close');
  }
}

const MINUTE = 60_000;
const holder = (userId: string, sessionId = `${userId}-s1`, ttlMs = 15 * MINUTE): SocketHolder => ({
  userId,
  sessionId,
  expiresAt: Date.now() + ttlMs,
});

describe('SocketRegistry', () => {
  let registry: SocketRegistry;
  beforeEach(() => {
    vi.useFakeTimers();
    registry = new SocketRegistry({ authTimeoutMs: 10_000, maxSocketsPerUser: 2 });
  });
  afterEach(() => vi.useRealTimers());

  /** A socket that opened and authenticated as `who`. */
  const admitted = (who: SocketHolder) => {
    const socket = new FakeSocket();
    registry.awaitAuthentication(socket);
    expect(registry.admit(socket, who)).toBe(true);
    return socket;
  };

  it('closes a socket that does not authenticate within the time limit', () => {
    const socket = new FakeSocket();
    registry.awaitAuthentication(socket);
    vi.advanceTimersByTime(9_999);
    expect(socket.closedWith).toBeNull();
    vi.advanceTimersByTime(1);
    expect(socket.closedWith).toEqual({
      code: WS_CLOSE_AUTH_TIMEOUT,
      reason: 'not authenticated within 10 s',
    });
  });

  it('leaves alone a socket that authenticated, or that its peer closed, before the deadline', () => {
    const authenticated = admitted(holder('u1'));
    const gone = new FakeSocket();
    registry.awaitAuthentication(gone);
    gone.hangUp();
    vi.advanceTimersByTime(10_000);
    expect(authenticated.closedWith).toBeNull();
    expect(gone.closedWith).toBeNull();
  });

  it('refuses a user more sockets than the cap, and takes one again once one closed', () => {
    const first = admitted(holder('u1'));
    admitted(holder('u1', 'u1-s2'));
    const third = new FakeSocket();
    registry.awaitAuthentication(third);
    expect(registry.admit(third, holder('u1'))).toBe(false);
    expect(third.closedWith).toEqual({ code: WS_CLOSE_TOO_MANY, reason: 'at most 2 connections per user' });
    expect(admitted(holder('u2')).closedWith).toBeNull();

    first.hangUp();
    expect(admitted(holder('u1')).closedWith).toBeNull();
    // The refused socket's deadline was cleared with its admission attempt.
    vi.advanceTimersByTime(10_000);
    expect(third.closedWith?.code).toBe(WS_CLOSE_TOO_MANY);
  });

  it('closes the sockets of ended sessions, and only those', () => {
    const ended = [admitted(holder('u1', 'a')), admitted(holder('u1', 'a'))];
    const otherSession = admitted(holder('u2', 'b'));
    registry.closeSessions(['a', 'unknown']);
    for (const socket of ended) {
      expect(socket.closedWith).toEqual({ code: WS_CLOSE_SESSION_ENDED, reason: 'session ended' });
    }
    expect(otherSession.closedWith).toBeNull();
    // Closed sockets left the registry: their user may connect again, up to the cap.
    admitted(holder('u1', 'c'));
    admitted(holder('u1', 'c'));
  });

  it('closes a socket when its access token expires', () => {
    const socket = admitted(holder('u1', 'a', 5 * MINUTE));
    const longer = admitted(holder('u2', 'b', 15 * MINUTE));
    vi.advanceTimersByTime(5 * MINUTE - 1);
    expect(socket.closedWith).toBeNull();
    vi.advanceTimersByTime(1);
    expect(socket.closedWith).toEqual({ code: WS_CLOSE_TOKEN_EXPIRED, reason: 'access token expired' });
    expect(longer.closedWith).toBeNull();
  });

  it('closes a socket whose token had expired already, on the next tick', () => {
    const late = admitted(holder('u1', 'a', -1_000));
    vi.advanceTimersByTime(0);
    expect(late.closedWith?.code).toBe(WS_CLOSE_TOKEN_EXPIRED);
  });

  it('forgets the expiry of a socket that closed before its token expired', () => {
    const socket = admitted(holder('u1', 'a', 5 * MINUTE));
    socket.hangUp();
    vi.advanceTimersByTime(5 * MINUTE);
    expect(socket.closedWith).toBeNull();
  });
});
