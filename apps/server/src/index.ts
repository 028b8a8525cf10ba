export { loadConfig, ConfigError, type ServerConfig } from './config';
export { createLogger } from './logger';
export {
  startServer,
  WS_CLOSE_AUTH_TIMEOUT,
  WS_CLOSE_SESSION_ENDED,
  WS_CLOSE_TOKEN_EXPIRED,
  type RunningServer,
} from './server';
