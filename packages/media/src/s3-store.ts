import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';

import {
  FileSizeMismatchError,
  assertValidContentType,
  assertValidFileKey,
  assertValidSize,
  type ByteRange,
  type FileStore,
  type StoredFile,
} from './file-store';
import { byteSlice } from './byte-slice';
import { sizeGuard } from './size-guard';

export interface S3StoreOptions {
  /** For S3-compatible servers (MinIO, s3rver, R2…); absent for AWS itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Both or neither; without them the SDK's default chain (env, profile, instance role) applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `bucket` in the path instead of the host name; most self-hosted servers need it. */
  forcePathStyle?: boolean;
}

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

export function createS3Store(options: S3StoreOptions): FileStore {
  const { bucket } = options;
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
    // Newer SDKs add CRC checksums to every request and check them on every response, which
    // many S3-compatible servers reject or don't send; only send them where S3 demands one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  return {
    driver: 's3',

    async put(key, body, meta) {
      assertValidFileKey(key);
      assertValidContentType(meta.contentType);
      assertValidSize(meta.size);
      if (Buffer.isBuffer(body) && body.length !== meta.size) {
        throw new FileSizeMismatchError(meta.size, body.length);
      }
      // One PutObject with a known length streams the body straight through (no multipart
      // buffering); S3 takes up to 5 GB that way, far above any upload limit here. The guard
      // fails the request rather than store a body of another size.
      if (Buffer.isBuffer(body)) {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: meta.size,
            ContentType: meta.contentType,
          }),
        );
        return;
      }
      // The SDK leaves a request hanging when its body stream fails: abort it, and report the
      // stream's error (size mismatch, client gone) rather than the abort.
      const guarded = sizeGuard(meta.size);
      const abort = new AbortController();
      let streamError: Error | undefined;
      const onStreamError = (error: Error) => {
        streamError ??= error;
        abort.abort(error);
      };
      body.once('error', onStreamError);
      guarded.once('error', onStreamError);
      // pipe() does not forward errors; the listener above does.
      body.pipe(guarded);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: guarded,
            ContentLength: meta.size,
            ContentType: meta.contentType,
          }),
          { abortSignal: abort.signal },
        );
      } catch (error) {
        // As with the filesystem driver's pipeline: a failed put leaves no stream open.
        body.unpipe(guarded);
        guarded.destroy();
        body.destroy();
        throw streamError ?? error;
      } finally {
        body.off('error', onStreamError);
      }
    },

    async get(key, range): Promise<StoredFile | null> {
      assertValidFileKey(key);
      try {
        const result = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        if (!(result.Body instanceof Readable)) throw new Error('S3 returned no readable body');
        if (range) {
          const answered = answeredRange(result.ContentRange, result.ContentLength ?? 0);
          return {
            body: within(result.Body, answered, range),
            size: answered.size,
            contentType: result.ContentType ?? 'application/octet-stream',
          };
        }
        return {
          body: result.Body,
          size: result.ContentLength ?? 0,
          contentType: result.ContentType ?? 'application/octet-stream',
        };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async size(key) {
      assertValidFileKey(key);
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    async remove(keys) {
      keys.forEach(assertValidFileKey);
      for (let start = 0; start < keys.length; start += DELETE_BATCH) {
        const batch = keys.slice(start, start + DELETE_BATCH);
        const result = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
        if (failed.length > 0) {
          throw new Error(`S3 could not delete ${failed.length} file(s): ${failed[0]?.Code ?? 'unknown'}`);
        }
      }
    },

    async check() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
  };
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)
  );
}

/**
 * What a ranged read answered: `Content-Range: bytes 0-9/12345`, or the whole object when there
 * is none (HTTP lets a server ignore a Range).
 */
function answeredRange(contentRange: string | undefined, length: number): ByteRange & { size: number } {
  if (!contentRange) return { start: 0, end: length - 1, size: length };
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange);
  if (!match) throw new Error(`S3 answered an unreadable Content-Range (${contentRange})`);
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}

/** The asked range of a body that holds `answered`; more than asked is cut here (s3rver sends
 * the whole object for `bytes=0-0`). */
function within(body: Readable, answered: ByteRange, asked: ByteRange): Readable {
  if (answered.start === asked.start && answered.end === asked.end) return body;
  if (answered.start > asked.start || answered.end < asked.end) {
    body.destroy();
    throw new Error(`S3 answered bytes ${answered.start}-${answered.end} for ${asked.start}-${asked.end}`);
  }
  const sliced = body.pipe(
    byteSlice({ start: asked.start - answered.start, end: asked.end - answered.start }),
  );
  // Once the slice has what it needs, the rest of the object is not read.
  sliced.once('close', () => body.destroy());
  return sliced;
}
