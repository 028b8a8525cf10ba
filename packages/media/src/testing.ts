import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3StoreOptions } from './s3-store';

/** A running local S3-compatible server (s3rver, as a child process) holding one empty bucket. */
export interface LocalS3 {
  options: Required<
    Pick<S3StoreOptions, 'endpoint' | 'region' | 'bucket' | 'accessKeyId' | 'secretAccessKey'>
  > & {
    forcePathStyle: true;
  };
  stop(): Promise<void>;
}

/**
 * Starts s3rver (credentials S3RVER/S3RVER) with `bucket` made if missing. Its data goes to
 * `directory`, kept after stop, or else to a fresh temporary directory removed on stop. The port
 * is a free one unless given.
 */
export async function startLocalS3(
  options: { bucket?: string; directory?: string; port?: number } = {},
): Promise<LocalS3> {
  const bucket = options.bucket ?? 'pigeon-test';
  const keep = options.directory !== undefined;
  const directory = options.directory ?? (await mkdtemp(path.join(tmpdir(), 'pigeon-s3rver-')));
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--directory',
      directory,
      '--address',
      '127.0.0.1',
      '--port',
      String(options.port ?? 0),
      '--silent',
      '--configure-bucket',
      bucket,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start:\n${output}`)), 20_000);
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on [^:]+:(\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}:\n${output}`));
    });
  });
  return {
    options: {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      bucket,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!keep) await rm(directory, { recursive: true, force: true });
    },
  };
}
