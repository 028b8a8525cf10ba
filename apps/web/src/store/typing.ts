import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

/** Who is typing where: conversation id → user id → when the signal runs out (epoch ms). */
export type TypingState = Record<string, Record<string, number>>;

const initialState: TypingState = {};

export const typingSlice = createSlice({
  name: 'typing',
  initialState,
  reducers: {
    typingSeen: (
      state,
      action: PayloadAction<{ conversationId: string; userId: string; expiresAt: string }>,
    ) => {
      const { conversationId, userId, expiresAt } = action.payload;
      (state[conversationId] ??= {})[userId] = Date.parse(expiresAt);
    },
    /** Their message arrived: they stopped typing that one. */
    typingEnded: (state, action: PayloadAction<{ conversationId: string; userId: string }>) => {
      const { conversationId, userId } = action.payload;
      const typists = state[conversationId];
      if (typists?.[userId] === undefined) return;
      // Marked as run out rather than deleted: the same effect, without dynamic deletes.
      typists[userId] = 0;
    },
  },
});

export const { typingSeen, typingEnded } = typingSlice.actions;

/** The users whose typing signal in this conversation has not yet run out at `now`. */
export function typistsAt(state: TypingState, conversationId: string, now: number): string[] {
  return Object.entries(state[conversationId] ?? {})
    .filter(([, until]) => until > now)
    .map(([userId]) => userId);
}
