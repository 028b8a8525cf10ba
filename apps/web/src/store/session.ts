import type { Me } from '@pigeon/schema';
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

/** Who is logged in. `unknown` until the refresh cookie has been tried after a (re)load. */
export interface SessionState {
  status: 'unknown' | 'anonymous' | 'authenticated';
  user: Me | null;
}

const initialState: SessionState = { status: 'unknown', user: null };

export const sessionSlice = createSlice({
  name: 'session',
  initialState,
  reducers: {
    loggedIn: (_state, action: PayloadAction<Me>): SessionState => ({
      status: 'authenticated',
      user: action.payload,
    }),
    loggedOut: (): SessionState => ({ status: 'anonymous', user: null }),
  },
});

export const { loggedIn, loggedOut } = sessionSlice.actions;
