import { createEntityAdapter, createSlice, type PayloadAction } from '@reduxjs/toolkit';

/** A message the user sent that the server has not confirmed yet. */
export interface PendingMessage {
  clientId: string;
  conversationId: string;
  body: string;
  /** The message this one answers, kept for a retry. */
  replyToId?: number;
  createdAt: string;
  status: 'sending' | 'failed';
}

const adapter = createEntityAdapter({
  selectId: (message: PendingMessage) => message.clientId,
  sortComparer: (a, b) => a.createdAt.localeCompare(b.createdAt),
});

export type OutboxState = ReturnType<typeof adapter.getInitialState>;

export const outboxSlice = createSlice({
  name: 'outbox',
  initialState: adapter.getInitialState(),
  reducers: {
    queued: (state, action: PayloadAction<Omit<PendingMessage, 'status'>>) => {
      adapter.addOne(state, { ...action.payload, status: 'sending' });
    },
    retried: (state, action: PayloadAction<string>) => {
      adapter.updateOne(state, { id: action.payload, changes: { status: 'sending' } });
    },
    failed: (state, action: PayloadAction<string>) => {
      adapter.updateOne(state, { id: action.payload, changes: { status: 'failed' } });
    },
    /** The server has the message (by the mutation's answer or by the event stream). */
    confirmed: (state, action: PayloadAction<string>) => {
      adapter.removeOne(state, action.payload);
    },
  },
});

export const { queued, retried, failed, confirmed } = outboxSlice.actions;

const selectors = adapter.getSelectors();

export function pendingIn(outbox: OutboxState, conversationId: string): PendingMessage[] {
  return selectors.selectAll(outbox).filter((m) => m.conversationId === conversationId);
}

export function pendingById(outbox: OutboxState, clientId: string): PendingMessage | undefined {
  return selectors.selectById(outbox, clientId);
}
