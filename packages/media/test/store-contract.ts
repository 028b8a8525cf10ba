import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { FileSizeMismatchError, InvalidFileKeyError, type FileStore, type StoredFile } from '../src';

/** What every FileStore driver must do; each driver's test file runs it against a real backend. */
export function fileStoreContract(store: () => FileStore): void {
  it('stores a buffer and reads it back with its size and content type', async () => {
    const data = randomBytes(70_000);
    await store().put('contract/a/one.bin', data, { contentType: 'image/png', size: data.length });
    const file = await store().get('contract/a/one.bin');
    expect(file).not.toBeNull();
    expect(file?.size).toBe(data.length);
    expect(file?.contentType).toBe('image/png');
    expect((await readAll(present(file).body)).equals(data)).toBe(true);
  });

  it('stores an empty file', async () => {
    await store().put('contract/empty', Buffer.alloc(0), {
      contentType: 'text/plain; charset=utf-8',
      size: 0,
    });
    const file = await store().get('contract/empty');
    expect(file?.size).toBe(0);
    expect(file?.contentType).toBe('text/plain; charset=utf-8');
    expect((await readAll(present(file).body)).length).toBe(0);
  });

  it('overwrites a key with new bytes and a new type', async () => {
    await store().put('contract/over', Buffer.from('first version'), { contentType: 'text/plain', size: 13 });
    await store().put('contract/over', Buffer.from('second'), { contentType: 'application/pdf', size: 6 });
    const file = await store().get('contract/over');
    expect(file?.contentType).toBe('application/pdf');
    expect((await readAll(present(file).body)).toString()).toBe('second');
  });

  it('reads a range of a file, and tells its size without reading it', async () => {
    const data = randomBytes(70_000);
    await store().put('contract/range', data, { contentType: 'audio/wav', size: data.length });
    expect(await store().size('contract/range')).toBe(data.length);

    for (const range of [
      { start: 0, end: 0 },
      { start: 0, end: 9 },
      { start: 1000, end: 65_535 },
      { start: 69_990, end: 69_999 },
    ]) {
      const file = present(await store().get('contract/range', range));
      // The whole file's size and type, the range's bytes only.
      expect(file.size).toBe(data.length);
      expect(file.contentType).toBe('audio/wav');
      expect((await readAll(file.body)).equals(data.subarray(range.start, range.end + 1))).toBe(true);
    }
    expect(await store().size('contract/never-written')).toBeNull();
    expect(await store().get('contract/never-written', { start: 0, end: 9 })).toBeNull();
  });

  it('returns null for a missing key', async () => {
    expect(await store().get('contract/never-written')).toBeNull();
    expect(await store().get('contract/no/such/dir/file')).toBeNull();
  });

  it('removes keys, and missing keys are fine', async () => {
    await store().put('contract/rm/1', Buffer.from('1'), { contentType: 'text/plain', size: 1 });
    await store().put('contract/rm/2', Buffer.from('2'), { contentType: 'text/plain', size: 1 });
    await store().remove(['contract/rm/1', 'contract/rm/2', 'contract/rm/never']);
    expect(await store().get('contract/rm/1')).toBeNull();
    expect(await store().get('contract/rm/2')).toBeNull();
    await store().remove([]);
  });

  it('rejects keys that could escape the store or are not in the key alphabet', async () => {
    const bad = [
      '../escape',
      'a/../../b',
      '/absolute',
      'a//b',
      'a/',
      '.hidden',
      'a/./b',
      'UPPER',
      'a b',
      'a\\b',
      'ä',
      '',
    ];
    for (const key of bad) {
      await expect(
        store().put(key, Buffer.from('x'), { contentType: 'text/plain', size: 1 }),
      ).rejects.toThrow(InvalidFileKeyError);
      await expect(store().get(key)).rejects.toThrow(InvalidFileKeyError);
      await expect(store().remove([key])).rejects.toThrow(InvalidFileKeyError);
    }
  });

  // Whether the old object survives a failed overwrite is the backend's business (atomic on
  // disk here and on S3/MinIO; s3rver writes in place), so the drivers' own tests check that.
  it('refuses a stream whose length differs from the announced size', async () => {
    const tooLong = Readable.from([Buffer.from('too long body'), Buffer.from('and more')]);
    await expect(
      store().put('contract/size-long', tooLong, { contentType: 'text/plain', size: 4 }),
    ).rejects.toThrow(FileSizeMismatchError);
    // Nothing is left open behind a failed put.
    expect(tooLong.destroyed).toBe(true);
    await expect(
      store().put('contract/size-short', Readable.from([Buffer.from('ab')]), {
        contentType: 'text/plain',
        size: 4,
      }),
    ).rejects.toThrow(FileSizeMismatchError);
    await expect(
      store().put('contract/size-buffer', Buffer.from('abc'), { contentType: 'text/plain', size: 4 }),
    ).rejects.toThrow(FileSizeMismatchError);
    expect(await store().get('contract/size-long')).toBeNull();
    expect(await store().get('contract/size-buffer')).toBeNull();
  });

  it('streams a 30 MB body in and out without holding it in memory', async () => {
    const total = 30 * 1024 * 1024;
    const gc = exposeGc();
    gc();
    const before = process.memoryUsage();
    let peak = 0;
    // After each collection, what is still alive is what the store holds on to.
    const sample = () => {
      gc();
      const now = process.memoryUsage();
      peak = Math.max(peak, now.arrayBuffers - before.arrayBuffers + (now.heapUsed - before.heapUsed));
    };
    await store().put('contract/big', generated(total, sample), { contentType: 'video/mp4', size: total });

    const file = await store().get('contract/big');
    expect(file?.size).toBe(total);
    let read = 0;
    let chunks = 0;
    for await (const chunk of present(file).body) {
      read += (chunk as Buffer).length;
      if (++chunks % 64 === 0) sample();
    }
    expect(read).toBe(total);
    // A driver that buffered the body would hold ≥ 30 MB at some sample.
    expect(peak).toBeLessThan(12 * 1024 * 1024);
  });

  it('reports itself ready', async () => {
    await expect(store().check()).resolves.toBeUndefined();
  });
}

/** A stream of `total` fresh bytes, made on demand in 256 KiB chunks. */
function generated(total: number, everyFourMegabytes: () => void): Readable {
  let produced = 0;
  return new Readable({
    highWaterMark: 256 * 1024,
    read() {
      if (produced >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(256 * 1024, total - produced);
      const chunk = Buffer.alloc(size, produced % 251);
      if (Math.floor(produced / (4 * 1024 * 1024)) !== Math.floor((produced + size) / (4 * 1024 * 1024))) {
        everyFourMegabytes();
      }
      produced += size;
      this.push(chunk);
    },
  });
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The file, failing the test when the store lost it. */
export function present(file: StoredFile | null): StoredFile {
  if (file === null) throw new Error('expected a stored file, got null');
  return file;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
