import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createScratchDatabase } from '@pigeon/db/testing';
import { startCuttableProxy } from '@pigeon/test-utils';
import { startCluster, type Cluster } from '../src/cluster';
import { freePort } from '../src/ports';
import { startPrivateRedis, stopProcess } from '../src/redis';

export interface FaultRig {
  cluster: Cluster;
  /** The scratch database itself, not through the proxy: for checking what was stored. */
  databaseUrl: string;
  /** Makes PostgreSQL unreachable for the instances (every connection dropped) until restored. */
  cutDatabase(): void;
  restoreDatabase(): void;
  stopRedis(): Promise<void>;
  /** A new, empty Redis on the same port, as after a crash of one that keeps nothing. */
  startRedis(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Three instances behind NGINX whose dependencies a test can break: a Redis of their own, and a
 * cuttable TCP proxy in front of a scratch PostgreSQL database. Rate limits are lifted, as these
 * tests send as fast as they need to; limits are tested elsewhere.
 */
export async function startFaultRig(adminUrl: string): Promise<FaultRig> {
  const scratch = await createScratchDatabase(adminUrl);
  const dbProxy = await startCuttableProxy(scratch.url);
  const proxied = new URL(scratch.url);
  proxied.port = new URL(dbProxy.url).port;
  const redisPort = await freePort();
  let redis: ChildProcess = await startPrivateRedis(redisPort);
  const cluster = await startCluster({
    databaseUrl: proxied.toString(),
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    jwtSecret: randomBytes(48).toString('base64url'),
    env: {
      RATE_LIMITS: JSON.stringify({
        messages: { points: 100_000, durationSeconds: 1 },
        registrationsPerIp: { points: 100_000, durationSeconds: 1 },
      }),
    },
  });
  return {
    cluster,
    databaseUrl: scratch.url,
    cutDatabase: () => dbProxy.cut(),
    restoreDatabase: () => dbProxy.restore(),
    stopRedis: () => stopProcess(redis),
    async startRedis() {
      redis = await startPrivateRedis(redisPort);
    },
    async close() {
      await cluster.stop();
      await stopProcess(redis);
      await dbProxy.close();
      await scratch.drop();
    },
  };
}
