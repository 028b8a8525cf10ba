// `pnpm cluster`: three instances behind NGINX on this machine's PostgreSQL and Redis, storing
// files in one local S3-compatible server (s3rver, data in infra/.pigeon-data/cluster-s3).
// `pnpm cluster --tls`: and Caddy in front, serving https://localhost:PORT with a certificate
// from its own local CA (the browser warns until that CA is trusted).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startCluster } from './cluster';

/** Without DATABASE_URL: a `pigeon` database on the local server, made if missing. */
async function localDatabase(): Promise<string> {
  const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', {
    max: 1,
    onnotice: () => undefined,
  });
  const [row] = await admin`select 1 as found from pg_database where datname = 'pigeon'`;
  if (!row) await admin.unsafe('create database pigeon');
  await admin.end();
  return 'postgres://postgres@127.0.0.1:5432/pigeon';
}

const cluster = await startCluster({
  databaseUrl: process.env.DATABASE_URL ?? (await localDatabase()),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  jwtSecret: process.env.JWT_SECRET ?? randomBytes(48).toString('base64url'),
  port: Number(process.env.PORT ?? 8080),
  logLevel: process.env.LOG_LEVEL ?? 'info',
  tls: process.argv.includes('--tls'),
  // Kept between runs like the `pigeon` database, so attachments outlive a restart.
  s3Directory: fileURLToPath(new URL('../.pigeon-data/cluster-s3', import.meta.url)),
});
console.log(`Pigeon cluster: ${cluster.url}`);
for (const i of cluster.instances) console.log(`  api${i.index}: ${i.url} (pid ${i.child?.pid ?? '?'})`);
if (cluster.url !== cluster.nginxUrl) console.log(`  nginx: ${cluster.nginxUrl}`);
if (cluster.s3) console.log(`  files: s3rver ${cluster.s3.endpoint}, bucket ${cluster.s3.bucket}`);
console.log(`  logs: ${cluster.dir}`);
console.log('Ctrl-C stops it.');

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  void cluster.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
