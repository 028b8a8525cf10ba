import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { finished, type Readable } from 'node:stream';

/** The upload went past the limit; its temporary file is already gone. */
export class UploadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`Upload is larger than ${limitBytes} bytes`);
    this.name = 'UploadTooLargeError';
  }
}

export interface StagedUpload {
  /** A temporary file holding the whole upload, private to this process (mode 0600). */
  path: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** Deletes the temporary file; safe to call twice. */
  discard(): Promise<void>;
}

/**
 * Streams an upload to a temporary file in `dir`, counting and hashing as it goes, so an upload
 * larger than `maxBytes` is refused after at most one chunk past the limit instead of after
 * buffering it all. On any failure (limit, client gone, disk) the temporary file is removed before
 * the promise rejects.
 *
 * On failure `body` is paused, not destroyed: an HTTP handler can still answer (413) before it
 * closes the connection.
 */
export async function stageUpload(
  body: Readable,
  options: { maxBytes: number; dir: string },
): Promise<StagedUpload> {
  const { maxBytes, dir } = options;
  // Listen from the first moment: a client that fails while the directory is made must not
  // become an unhandled 'error' event.
  let earlyError: Error | undefined;
  const onEarlyError = (error: Error) => (earlyError ??= error);
  body.on('error', onEarlyError);
  try {
    await mkdir(dir, { recursive: true });
  } finally {
    body.off('error', onEarlyError);
  }
  if (earlyError) throw earlyError;
  return new Promise<StagedUpload>((resolve, reject) => {
    const file = path.join(dir, `upload-${randomUUID()}.part`);
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    const hash = createHash('sha256');
    let size = 0;
    let settled = false;
    const discard = () => unlink(file).catch(() => undefined);

    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      // `finished` stays attached: its listener absorbs a later error from the paused body
      // (the client hanging up after a 413), which would otherwise crash the process.
      body.off('data', onData);
      body.pause();
      out.destroy();
      // The file may still be opening: remove it once the stream has closed.
      if (out.closed) void discard().then(() => reject(error));
      else out.once('close', () => void discard().then(() => reject(error)));
    };

    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBytes) {
        fail(new UploadTooLargeError(maxBytes));
        return;
      }
      hash.update(bytes);
      if (!out.write(bytes)) {
        body.pause();
        out.once('drain', () => {
          if (!settled) body.resume();
        });
      }
    };

    // `finished` reports a client that went away before the end (premature close) as an error.
    const stopWatchingBody = finished(body, { writable: false }, (error) => {
      if (error) fail(error);
      else out.end();
    });
    out.once('error', fail);
    out.once('finish', () => {
      if (settled) return;
      settled = true;
      stopWatchingBody();
      resolve({ path: file, size, sha256: hash.digest('hex'), discard });
    });
    body.on('data', onData);
  });
}
