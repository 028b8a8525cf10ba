import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageUpload, UploadTooLargeError } from '../src';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pigeon-media-staging-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A body that yields `chunks` chunks of 64 KiB, and records how many were asked for. */
function chunked(chunks: number): Readable & { pulled: () => number } {
  let pulled = 0;
  const stream = new Readable({
    read() {
      if (pulled === chunks) this.push(null);
      else {
        pulled++;
        this.push(randomBytes(64 * 1024));
      }
    },
  });
  return Object.assign(stream, { pulled: () => pulled });
}

describe('stageUpload', () => {
  it('writes the body to a private temporary file with its size and sha256', async () => {
    const data = randomBytes(300_000);
    const staged = await stageUpload(Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), {
      maxBytes: 300_000,
      dir: path.join(dir, 'ok'),
    });
    expect(staged.size).toBe(300_000);
    expect(staged.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect((await readFile(staged.path)).equals(data)).toBe(true);
    expect((await stat(staged.path)).mode & 0o777).toBe(0o600);
    await staged.discard();
    await staged.discard();
    expect(await readdir(path.join(dir, 'ok'))).toEqual([]);
  });

  it('cuts an upload over the limit mid-stream and leaves no temporary file', async () => {
    const body = chunked(1000); // 64 MB if read to the end
    const target = path.join(dir, 'too-large');
    const error = await stageUpload(body, { maxBytes: 1024 * 1024, dir: target }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadTooLargeError);
    expect((error as UploadTooLargeError).limitBytes).toBe(1024 * 1024);
    // Stopped right after the limit, not after reading everything.
    expect(body.pulled()).toBeLessThan(40);
    expect(body.destroyed).toBe(false);
    expect(await readdir(target)).toEqual([]);
  });

  it('accepts exactly maxBytes', async () => {
    const staged = await stageUpload(chunked(4), { maxBytes: 4 * 64 * 1024, dir: path.join(dir, 'exact') });
    expect(staged.size).toBe(4 * 64 * 1024);
    await staged.discard();
  });

  it('removes the temporary file when the client goes away mid-upload', async () => {
    const body = new PassThrough();
    const target = path.join(dir, 'aborted');
    const staging = stageUpload(body, { maxBytes: 10 * 1024 * 1024, dir: target });
    body.write(randomBytes(100_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    body.destroy();
    await expect(staging).rejects.toThrow(/premature close/i);
    expect(await readdir(target)).toEqual([]);
  });

  it('passes a stream error on and cleans up', async () => {
    const body = new PassThrough();
    const target = path.join(dir, 'errored');
    const staging = stageUpload(body, { maxBytes: 10 * 1024 * 1024, dir: target });
    body.write(randomBytes(1000));
    body.destroy(new Error('socket hang up'));
    await expect(staging).rejects.toThrow('socket hang up');
    expect(await readdir(target)).toEqual([]);
  });
});
