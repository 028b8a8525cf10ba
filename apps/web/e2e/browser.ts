import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, startServer, type RunningServer, type ServerConfig } from '@pigeon/server';
import { chromium, type Browser } from 'playwright-core';

export const webDist = fileURLToPath(new URL('../dist', import.meta.url));

/** Debian's Chromium, as on CI; playwright-core drives it (no browser download). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/**
 * A real Pigeon server serving the built web app on an embedded database in a temporary
 * directory, restartable on the same port and data (as an operator's restart would be).
 */
export async function startWebServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-e2e-'));
  const config: ServerConfig = {
    host: '127.0.0.1',
    port: 0,
    database: { url: undefined, dataDir, poolSize: 1 },
    redis: undefined,
    jwtSecret: 'e2e-secret-'.padEnd(48, 'e'),
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 86_400,
    logLevel: 'silent',
    shutdownGraceMs: 500,
    cookieSecure: false,
    webDist,
  };
  let server: RunningServer = await startServer(config, createLogger('silent'));
  const port = server.port;
  return {
    url: server.url,
    /** Stops the server; `start` brings it back on the same port and data. */
    stop: () => server.close(),
    async start() {
      server = await startServer({ ...config, port }, createLogger('silent'));
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
