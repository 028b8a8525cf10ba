import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Whether the browser reports a network at all; while false we show "offline". */
  online: boolean;
}

const initialState: ConnectionState = { status: 'connecting', online: true };

export const connectionSlice = createSlice({
  name: 'connection',
  initialState,
  reducers: {
    socketStatusChanged: (state, action: PayloadAction<Exclude<ConnectionStatus, 'offline'>>) => {
      state.status = state.online ? action.payload : 'offline';
    },
    networkChanged: (state, action: PayloadAction<boolean>) => {
      state.online = action.payload;
      state.status = action.payload ? 'reconnecting' : 'offline';
    },
  },
});

export const { socketStatusChanged, networkChanged } = connectionSlice.actions;
