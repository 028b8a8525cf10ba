import type { Me } from '@pigeon/schema';
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

/**
 * The session this tab holds: `unknown` until the refresh cookie has been tried after a
 * (re)load, then whether there is one and whose it is. The account's id is the session's (it
 * never changes while the session lasts); the account itself (name, email) is server data and
 * lives in the query cache (`lib/me.ts`).
 *
 * `offline`: the server could not be reached after a reload, so the app opened on what this
 * device kept of the last session (chats read-only, sends queued) and has no tokens yet; the
 * cookie is tried again when the network returns (`lib/offline-session.ts`).
 */
export type SessionState =
  | { status: 'unknown' | 'anonymous'; userId: null; offline: false }
  | { status: 'authenticated'; userId: string; offline: boolean };

const initialState = { status: 'unknown', userId: null, offline: false } as SessionState;

export const sessionSlice = createSlice({
  name: 'session',
  initialState,
  reducers: {
    loggedIn: (_state, action: PayloadAction<Pick<Me, 'id'>>): SessionState => ({
      status: 'authenticated',
      userId: action.payload.id,
      offline: false,
    }),
    /** Opened from this device's copy while the server is unreachable (no tokens yet). */
    resumedOffline: (state, action: PayloadAction<Pick<Me, 'id'>>): SessionState =>
      // A session the server already confirmed is never taken back to the copy.
      state.status === 'unknown'
        ? { status: 'authenticated', userId: action.payload.id, offline: true }
        : state,
    loggedOut: (): SessionState => ({ status: 'anonymous', userId: null, offline: false }),
  },
});

export const { loggedIn, resumedOffline, loggedOut } = sessionSlice.actions;
