import { createEntityAdapter, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { AttachmentView } from '../lib/attachment-view';
import { loggedOut } from './session';

/**
 * A file going with a pending message. `view` is there once it is uploaded; until then its bytes
 * wait on the device under `localId` (`lib/outbox-blobs.ts`), and the sender uploads them first.
 */
export interface PendingAttachment {
  localId: string;
  name: string;
  size: number;
  contentType: string;
  view?: AttachmentView;
}

/**
 * A message the user sent that the server has not confirmed yet: `queued` until it can go
 * (offline, or the server unreachable), `sending` while a send is on its way, `failed` when the
 * server refused it (a retry queues it again). Kept across reloads (`lib/outbox-storage.ts`).
 */
export interface PendingMessage {
  clientId: string;
  conversationId: string;
  body: string;
  /** The message this one answers, kept for a retry. */
  replyToId?: number;
  /** Files sent with it, in the order chosen. */
  attachments?: PendingAttachment[];
  createdAt: string;
  /** Order of writing, which is the order of sending (two messages can share a millisecond). */
  seq: number;
  status: 'queued' | 'sending' | 'failed';
}

const adapter = createEntityAdapter({
  selectId: (message: PendingMessage) => message.clientId,
  sortComparer: (a, b) => a.createdAt.localeCompare(b.createdAt) || a.seq - b.seq,
});

export type OutboxState = ReturnType<typeof adapter.getInitialState>;

const selectors = adapter.getSelectors();

function nextSeq(state: OutboxState): number {
  return Math.max(0, ...selectors.selectAll(state).map((m) => m.seq)) + 1;
}

export const outboxSlice = createSlice({
  name: 'outbox',
  initialState: adapter.getInitialState(),
  reducers: {
    queued: (state, action: PayloadAction<Omit<PendingMessage, 'status' | 'seq'>>) => {
      adapter.addOne(state, { ...action.payload, seq: nextSeq(state), status: 'queued' });
    },
    /** Unsent messages kept from before a reload; ones already here win. */
    restored: (state, action: PayloadAction<PendingMessage[]>) => {
      adapter.addMany(
        state,
        action.payload
          .filter((m) => state.entities[m.clientId] === undefined)
          // Whatever was on its way when the page went away goes again (the clientId dedupes).
          .map((m) => ({ ...m, status: m.status === 'failed' ? 'failed' : 'queued' })),
      );
    },
    sending: (state, action: PayloadAction<string>) => {
      adapter.updateOne(state, { id: action.payload, changes: { status: 'sending' } });
    },
    /** The network or the server failed under a send: it waits for the connection. */
    requeued: (state, action: PayloadAction<string>) => {
      adapter.updateOne(state, { id: action.payload, changes: { status: 'queued' } });
    },
    retried: (state, action: PayloadAction<string>) => {
      adapter.updateOne(state, { id: action.payload, changes: { status: 'queued' } });
    },
    failed: (state, action: PayloadAction<string>) => {
      adapter.updateOne(state, { id: action.payload, changes: { status: 'failed' } });
    },
    /** One of its files is uploaded (kept, so a retry or a reload does not upload it again). */
    attachmentUploaded: (
      state,
      action: PayloadAction<{ clientId: string; localId: string; view: AttachmentView }>,
    ) => {
      const { clientId, localId, view } = action.payload;
      const file = state.entities[clientId]?.attachments?.find((a) => a.localId === localId);
      if (file) file.view = view;
    },
    /** The server has the message (by the send's answer or by the event stream). */
    confirmed: (state, action: PayloadAction<string>) => {
      adapter.removeOne(state, action.payload);
    },
  },
  // The outbox is the account's: logging out empties it (and its copy on the device).
  extraReducers: (builder) => builder.addCase(loggedOut, (state) => adapter.removeAll(state)),
});

export const { queued, restored, sending, requeued, retried, failed, attachmentUploaded, confirmed } =
  outboxSlice.actions;

export function pendingIn(outbox: OutboxState, conversationId: string): PendingMessage[] {
  return selectors.selectAll(outbox).filter((m) => m.conversationId === conversationId);
}

export function pendingById(outbox: OutboxState, clientId: string): PendingMessage | undefined {
  return selectors.selectById(outbox, clientId);
}

/** Every unconfirmed message, in the order written. */
export function allPending(outbox: OutboxState): PendingMessage[] {
  return selectors.selectAll(outbox);
}

/** The next message to send, if any: the oldest queued one. */
export function nextToSend(outbox: OutboxState): PendingMessage | undefined {
  return selectors.selectAll(outbox).find((m) => m.status === 'queued');
}
