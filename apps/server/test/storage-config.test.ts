import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3, type LocalS3 } from '@pigeon/media/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { startTestServer } from './harness';

const secret = 'a-long-random-secret-for-tests-'.padEnd(40, 'z');

describe('storage configuration', () => {
  it('keeps files in the data directory by default', () => {
    expect(loadConfig({}).storage).toEqual({ driver: 'filesystem', dir: join('.pigeon-data', 'files') });
    expect(loadConfig({ PIGEON_DATA_DIR: '/var/lib/pigeon' }).storage).toEqual({
      driver: 'filesystem',
      dir: '/var/lib/pigeon/files',
    });
    expect(loadConfig({ STORAGE_DIR: '/srv/pigeon-files' }).storage).toEqual({
      driver: 'filesystem',
      dir: '/srv/pigeon-files',
    });
    // An in-memory database: the server makes a throw-away directory.
    expect(loadConfig({ PIGEON_DATA_DIR: 'memory://' }).storage).toBeUndefined();
  });

  it('keeps the filesystem default in cluster mode, under STORAGE_DIR when given', () => {
    const cluster = { DATABASE_URL: 'postgres://db/p', JWT_SECRET: secret };
    expect(loadConfig({ ...cluster, STORAGE_DIR: '/shared/files' }).storage).toEqual({
      driver: 'filesystem',
      dir: '/shared/files',
    });
  });

  it('reads an S3-compatible server with path-style addressing by default', () => {
    const config = loadConfig({
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'pigeon',
      S3_ACCESS_KEY_ID: 'pigeon',
      S3_SECRET_ACCESS_KEY: 'a-secret',
    });
    expect(config.storage).toEqual({
      driver: 's3',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      bucket: 'pigeon',
      accessKeyId: 'pigeon',
      secretAccessKey: 'a-secret',
      forcePathStyle: true,
    });
  });

  it('reads AWS S3 with the default credential chain and virtual-hosted addressing', () => {
    const config = loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'my.pigeon-files', S3_REGION: 'eu-west-3' });
    expect(config.storage).toEqual({
      driver: 's3',
      endpoint: undefined,
      region: 'eu-west-3',
      bucket: 'my.pigeon-files',
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
    });
    expect(
      loadConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b-1', S3_FORCE_PATH_STYLE: 'true' }).storage,
    ).toMatchObject({
      forcePathStyle: true,
    });
  });

  it.each([
    [{ STORAGE_DRIVER: 'ftp' }, /STORAGE_DRIVER/],
    [{ STORAGE_DRIVER: 's3' }, /S3_BUCKET is required/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'Not_A_Bucket' }, /S3_BUCKET must be a bucket name/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b-1', S3_ENDPOINT: 'minio:9000' }, /S3_ENDPOINT/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b-1', S3_ACCESS_KEY_ID: 'only-the-id' }, /together/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b-1', STORAGE_DIR: '/x' }, /STORAGE_DIR is for/],
    [{ STORAGE_DRIVER: 's3', S3_BUCKET: 'b-1', S3_FORCE_PATH_STYLE: 'yes' }, /S3_FORCE_PATH_STYLE/],
    // A bucket named but not used would silently keep files on one disk.
    [{ S3_BUCKET: 'b-1' }, /set STORAGE_DRIVER=s3/],
    [{ S3_ENDPOINT: 'http://minio:9000' }, /set STORAGE_DRIVER=s3/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('the server’s file store', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3({ bucket: 'pigeon-server-test' });
  });
  afterAll(() => s3.stop());

  it('uses the configured bucket and reports it in readiness', async () => {
    const t = await startTestServer('embedded', { storage: { driver: 's3', ...s3.options } });
    try {
      expect(t.server.files.driver).toBe('s3');
      const ready = await fetch(`${t.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', bus: 'ok', files: 'ok' });
      await t.server.files.put('server/probe', Buffer.from('hi'), { contentType: 'text/plain', size: 2 });
      expect((await t.server.files.get('server/probe'))?.size).toBe(2);
    } finally {
      await t.close();
    }
  });

  it('is not ready while the file store is unreachable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pigeon-storage-test-'));
    const t = await startTestServer('embedded', {
      storage: { driver: 'filesystem', dir: join(dir, 'files') },
    });
    try {
      expect(t.server.files.driver).toBe('filesystem');
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
      // The directory is replaced by a file: the store can no longer write.
      await rm(join(dir, 'files'), { recursive: true });
      await writeFile(join(dir, 'files'), 'not a directory');
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ files: 'down', database: 'ok' });
    } finally {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives an in-memory server a temporary directory and removes it on close', async () => {
    const before = new Set((await readdir(tmpdir())).filter((name) => name.startsWith('pigeon-files-')));
    const t = await startTestServer('embedded');
    const made = (await readdir(tmpdir())).filter(
      (name) => name.startsWith('pigeon-files-') && !before.has(name),
    );
    expect(made).toHaveLength(1);
    await t.close();
    expect(await readdir(tmpdir())).not.toContain(made[0]);
  });
});
