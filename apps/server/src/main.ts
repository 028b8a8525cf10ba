import { ConfigError, loadConfig } from './config';
import { installLastResortHandlers } from './last-resort';
import { createLogger } from './logger';
import { startServer } from './server';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(78); // EX_CONFIG
}

const log = createLogger(config.logLevel);
try {
  const server = await startServer(config, log);
  installLastResortHandlers(log, () => server.close());
  let signals = 0;
  const stop = (signal: string) => {
    if (++signals > 1) process.exit(1);
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
}
