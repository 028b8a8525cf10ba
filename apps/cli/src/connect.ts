import {
  createPigeonClient,
  type ConnectionState,
  type PigeonClient,
  type StoredSession,
} from '@pigeon/client';
import WebSocket from 'ws';
import { readConfig, removeConfig, writeConfig } from './config';
import { CliError } from './errors';
import { sharedSessionFile } from './shared-session';

export interface ConnectOptions {
  session?: StoredSession;
  /** A bearer token used as it is: nothing to refresh or save. */
  token?: string;
  onConnectionStateChange?: (state: ConnectionState) => void;
}

/** A client for a server that keeps the config file in step with every token change. */
export function clientFor(server: string, options: ConnectOptions = {}): PigeonClient {
  return createPigeonClient({
    url: server,
    // Node 22 has a global WebSocket, Node 20 none; `ws`'s works on both.
    WebSocket,
    session: options.session,
    token: options.token,
    sharedSession: sharedSessionFile(),
    onSessionChange(session) {
      // Refresh tokens rotate on use: the file must always hold the newest one.
      if (session) writeConfig({ server, session });
      else removeConfig();
    },
    onConnectionStateChange: options.onConnectionStateChange,
  });
}

/** The client of the saved session; refuses, saying what to do, when there is none. */
export function loggedInClient(options: Omit<ConnectOptions, 'session' | 'token'> = {}) {
  const config = readConfig();
  if (!config) throw new CliError('Not logged in. Run `pigeon login <server-url> <username>` first.');
  if ('token' in config) {
    const pigeon = clientFor(config.server, { ...options, token: config.token });
    return { pigeon, server: config.server, me: config.user };
  }
  const pigeon = clientFor(config.server, { ...options, session: config.session });
  return { pigeon, server: config.server, me: config.session.user };
}
