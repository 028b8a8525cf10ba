import { configureStore } from '@reduxjs/toolkit';
import { useDispatch, useSelector, useStore } from 'react-redux';
import { connectionSlice } from './connection';
import { outboxSlice } from './outbox';
import { sessionSlice } from './session';

export function createStore() {
  return configureStore({
    reducer: {
      session: sessionSlice.reducer,
      connection: connectionSlice.reducer,
      outbox: outboxSlice.reducer,
    },
  });
}

export type AppStore = ReturnType<typeof createStore>;
export type RootState = ReturnType<AppStore['getState']>;
export type AppDispatch = AppStore['dispatch'];

export const useAppDispatch = useDispatch.withTypes<AppDispatch>();
export const useAppSelector = useSelector.withTypes<RootState>();
export const useAppStore = useStore.withTypes<AppStore>();
