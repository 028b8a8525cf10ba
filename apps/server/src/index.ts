export { loadConfig, ConfigError, type ServerConfig } from './config';
export { createLogger } from './logger';
export { startServer, type RunningServer } from './server';
export { WS_CLOSE_AUTH_TIMEOUT, WS_CLOSE_SESSION_ENDED, WS_CLOSE_TOKEN_EXPIRED } from './ws/close-codes';
