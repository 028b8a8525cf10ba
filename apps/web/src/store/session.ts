import type { Me } from '@pigeon/schema';
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

/**
 * The session this tab holds: `unknown` until the refresh cookie has been tried after a
 * (re)load, then whether there is one and whose it is. The account's id is the session's (it
 * never changes while the session lasts); the account itself (name, email) is server data and
 * lives in the query cache (`lib/me.ts`).
 */
export type SessionState =
  { status: 'unknown' | 'anonymous'; userId: null } | { status: 'authenticated'; userId: string };

const initialState = { status: 'unknown', userId: null } as SessionState;

export const sessionSlice = createSlice({
  name: 'session',
  initialState,
  reducers: {
    loggedIn: (_state, action: PayloadAction<Pick<Me, 'id'>>): SessionState => ({
      status: 'authenticated',
      userId: action.payload.id,
    }),
    loggedOut: (): SessionState => ({ status: 'anonymous', userId: null }),
  },
});

export const { loggedIn, loggedOut } = sessionSlice.actions;
