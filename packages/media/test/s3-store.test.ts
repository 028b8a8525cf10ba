import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, type FileStore } from '../src';
import { startLocalS3, type LocalS3 } from '../src/testing';
import { fileStoreContract } from './store-contract';

let s3: LocalS3;
let store: FileStore;

beforeAll(async () => {
  s3 = await startLocalS3();
  store = createS3Store(s3.options);
});
afterAll(async () => {
  await s3.stop();
});

describe('S3 store (against s3rver): contract', () => {
  fileStoreContract(() => store);
});

describe('S3 store', () => {
  it('fails its readiness check for a missing bucket and for a server that is down', async () => {
    await expect(createS3Store({ ...s3.options, bucket: 'no-such-bucket' }).check()).rejects.toThrow();
    await expect(createS3Store({ ...s3.options, endpoint: 'http://127.0.0.1:9' }).check()).rejects.toThrow();
  });

  it('fails the put when the source stream errors', async () => {
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(1000));
    setTimeout(() => source.destroy(new Error('client went away')), 20);
    await expect(store.put('broken/x', source, { contentType: 'text/plain', size: 100_000 })).rejects.toThrow(
      'client went away',
    );
    // (s3rver may leave the truncated bytes behind, unlike S3 and MinIO: not asserted here.)
  });
});
