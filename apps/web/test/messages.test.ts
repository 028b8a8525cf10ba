import type { Message } from '@pigeon/schema';
import { describe, expect, it } from 'vitest';
import { addToHistory, chatRows, type HistoryPages } from '../src/lib/messages';
import type { PendingMessage } from '../src/store/outbox';

const conversationId = '6f1c1b8e-3a0b-4c55-9a4e-1d2f3a4b5c6d';
const message = (id: number): Message => ({
  id,
  conversationId,
  senderId: 'u1',
  clientId: `c${id}`,
  body: `m${id}`,
  createdAt: new Date(1_700_000_000_000 + id).toISOString(),
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  attachments: [],
});
const pages = (...ids: number[][]): HistoryPages => ({
  pages: ids.map((group) => ({ messages: group.map(message), nextCursor: null })),
  pageParams: ids.map(() => undefined),
});

describe('addToHistory', () => {
  it('puts a live message at the top of the newest page', () => {
    const next = addToHistory(pages([3, 2], [1]), message(4));
    expect(next?.pages[0]?.messages.map((m) => m.id)).toEqual([4, 3, 2]);
    expect(next?.pages[1]?.messages.map((m) => m.id)).toEqual([1]);
  });

  it('ignores a message it already has (replays after a reconnect)', () => {
    const data = pages([3, 2], [1]);
    expect(addToHistory(data, message(2))).toBe(data);
    expect(addToHistory(data, message(1))).toBe(data);
  });

  it('keeps id order when messages arrive out of order', () => {
    const next = addToHistory(addToHistory(pages([2]), message(5)), message(4));
    expect(next?.pages[0]?.messages.map((m) => m.id)).toEqual([5, 4, 2]);
  });
});

describe('chatRows', () => {
  const pending = (clientId: string, status: PendingMessage['status'] = 'sending'): PendingMessage => ({
    clientId,
    conversationId,
    body: `pending ${clientId}`,
    createdAt: new Date().toISOString(),
    seq: 1,
    status,
  });

  it('lists stored messages oldest first, then the sends still on their way', () => {
    const rows = chatRows(pages([3, 2], [1]), [pending('p1'), pending('p2', 'failed')]);
    expect(rows.map((r) => r.key)).toEqual(['c1', 'c2', 'c3', 'p1', 'p2']);
  });

  it('shows a confirmed send once, as stored, even before the outbox forgets it', () => {
    const rows = chatRows(pages([1]), [{ ...pending('c1') }]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.kind).toBe('message');
  });

  it('drops duplicates that two pages might both hold', () => {
    expect(chatRows(pages([2, 1], [1]), []).map((r) => r.key)).toEqual(['c1', 'c2']);
  });
});
