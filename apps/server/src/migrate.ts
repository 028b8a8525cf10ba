// Runs the migrations once and exits: the one-shot step before a cluster's instances start.
// Instances also migrate at start (under an advisory lock), so this step is an optimisation.
import { createDb, prepareDataDir } from '@pigeon/db';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';

try {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (!config.database.url) await prepareDataDir(config.database.dataDir);
  const db = createDb({
    databaseUrl: config.database.url,
    dataDir: config.database.dataDir,
    maxConnections: 1,
  });
  await db.migrate();
  await db.close();
  log.info({ database: db.kind }, 'migrations applied');
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
