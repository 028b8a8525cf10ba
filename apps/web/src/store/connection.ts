import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Whether the browser reports a network at all; while false we show "offline". */
  online: boolean;
  /** What the socket last said, which is the status again once the network is back. */
  socket: Exclude<ConnectionStatus, 'offline'>;
}

const initialState: ConnectionState = { status: 'connecting', online: true, socket: 'connecting' };

export const connectionSlice = createSlice({
  name: 'connection',
  initialState,
  reducers: {
    socketStatusChanged: (state, action: PayloadAction<Exclude<ConnectionStatus, 'offline'>>) => {
      state.socket = action.payload;
      state.status = state.online ? action.payload : 'offline';
    },
    networkChanged: (state, action: PayloadAction<boolean>) => {
      state.online = action.payload;
      // A socket that outlived a short outage stays connected (its keep-alive ends it if not).
      state.status = !action.payload
        ? 'offline'
        : state.socket === 'connected'
          ? 'connected'
          : 'reconnecting';
    },
  },
});

export const { socketStatusChanged, networkChanged } = connectionSlice.actions;
