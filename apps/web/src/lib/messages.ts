import { limits, type HistoryOutput, type Message } from '@pigeon/schema';
import type { InfiniteData } from '@tanstack/react-query';
import type { PendingMessage } from '../store/outbox';

export type HistoryPages = InfiniteData<HistoryOutput, number | null | undefined>;

/** One row of a conversation view: a stored message or one still on its way. */
export type ChatRow =
  | { kind: 'message'; key: string; message: Message }
  | { kind: 'pending'; key: string; pending: PendingMessage };

/**
 * Adds a live message to the cached history (pages are newest first). Idempotent: a message
 * already there (by id) changes nothing, so replays after a reconnect never double it.
 */
export function addToHistory(data: HistoryPages | undefined, message: Message): HistoryPages | undefined {
  if (!data) return data;
  if (data.pages.some((page) => page.messages.some((m) => m.id === message.id))) return data;
  const [first, ...rest] = data.pages;
  if (!first) return data;
  const messages = [...first.messages, message].sort((a, b) => b.id - a.id);
  return { ...data, pages: [{ ...first, messages }, ...rest] };
}

/** Swaps in the new state of an edited, deleted or reacted-to message, wherever it is cached. */
export function replaceInHistory(data: HistoryPages | undefined, message: Message): HistoryPages | undefined {
  if (!data?.pages.some((page) => page.messages.some((m) => m.id === message.id))) return data;
  return {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      messages: page.messages.map((m) => {
        if (m.id === message.id) return message;
        // Replies quoting it follow along (an edit changes the quote; a delete blanks it).
        if (m.replyTo?.id === message.id) {
          return {
            ...m,
            replyTo: {
              ...m.replyTo,
              body: message.body.slice(0, limits.replyExcerpt.max),
              deleted: message.deletedAt !== null,
            },
          };
        }
        return m;
      }),
    })),
  };
}

/** The rows to show, oldest first: stored history, then unconfirmed sends not yet in it. */
export function chatRows(data: HistoryPages | undefined, pending: PendingMessage[]): ChatRow[] {
  const stored = (data?.pages ?? []).flatMap((page) => page.messages);
  const byId = new Map<number, Message>();
  for (const message of stored) byId.set(message.id, message);
  const ordered = [...byId.values()].sort((a, b) => a.id - b.id);
  const confirmedClientIds = new Set(ordered.map((m) => m.clientId));
  return [
    ...ordered.map((message): ChatRow => ({ kind: 'message', key: message.clientId, message })),
    ...pending
      .filter((p) => !confirmedClientIds.has(p.clientId))
      .map((p): ChatRow => ({ kind: 'pending', key: p.clientId, pending: p })),
  ];
}
