import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesystemStore, type FileStore } from '../src';
import { fileStoreContract, present, readAll } from './store-contract';

let root: string;
let store: FileStore;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pigeon-media-fs-'));
  store = createFilesystemStore({ root: path.join(root, 'files') });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('filesystem store: contract', () => {
  fileStoreContract(() => store);
});

describe('filesystem store', () => {
  it('keeps the old file when an overwrite fails half-way', async () => {
    await store.put('kept', Buffer.from('kept'), { contentType: 'text/plain', size: 4 });
    const source = new Readable({ read() {} });
    source.push(Buffer.from('new'));
    setTimeout(() => source.destroy(new Error('client went away')), 20);
    await expect(store.put('kept', source, { contentType: 'text/plain', size: 10 })).rejects.toThrow(
      'client went away',
    );
    expect((await readAll(present(await store.get('kept')).body)).toString()).toBe('kept');
  });

  it('keeps files under the root and leaves no temporary file behind', async () => {
    await store.put('a/b/c.txt', Buffer.from('hello'), { contentType: 'text/plain', size: 5 });
    await expect(
      store.put('a/b/c.txt', Readable.from([Buffer.from('too long')]), {
        contentType: 'text/plain',
        size: 5,
      }),
    ).rejects.toThrow();
    expect(await readdir(path.join(root, 'files', 'a', 'b'))).toEqual(['c.txt']);
    expect((await stat(path.join(root, 'files', 'a', 'b', 'c.txt'))).mode & 0o777).toBe(0o600);
  });

  it('never serves a file outside the root, even one planted next to it', async () => {
    await writeFile(path.join(root, 'secret'), '{"contentType":"text/plain","size":6}\nsecret');
    await expect(store.get('../secret')).rejects.toThrow();
    await expect(store.get('files/../../secret')).rejects.toThrow();
  });

  it('keeps an open read going when the file is removed meanwhile', async () => {
    const data = Buffer.alloc(2 * 1024 * 1024, 7);
    await store.put('race/file', data, { contentType: 'application/octet-stream', size: data.length });
    const file = await store.get('race/file');
    await store.remove(['race/file']);
    expect((await readAll(present(file).body)).equals(data)).toBe(true);
  });

  it('fails its readiness check when the root cannot be created', async () => {
    await writeFile(path.join(root, 'a-file'), 'not a directory');
    const broken = createFilesystemStore({ root: path.join(root, 'a-file', 'files') });
    await expect(broken.check()).rejects.toThrow();
  });
});
