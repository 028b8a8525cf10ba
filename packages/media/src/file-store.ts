import type { Readable } from 'node:stream';

/** A stored file, opened for reading. The caller must consume or destroy `body`. */
export interface StoredFile {
  /** The file's bytes, or only the asked range's. */
  body: Readable;
  /** The whole file's size, also when only a range was asked for. */
  size: number;
  contentType: string;
}

/** Bytes `start` to `end` of a file, both included (as HTTP's Range counts), within its size. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Where attachment and avatar bytes live: a directory on disk, or an S3-compatible bucket. */
export interface FileStore {
  readonly driver: 'filesystem' | 's3';
  /**
   * Stores bytes under key (keys are '/'-separated, [a-z0-9/_.-]); overwrites. A stream body is
   * read to its end, and destroyed if the put fails; one whose length is not `meta.size` fails
   * with FileSizeMismatchError.
   */
  put(key: string, body: Buffer | Readable, meta: { contentType: string; size: number }): Promise<void>;
  /** null when missing. With a range (inside the file's size), the body holds only those bytes. */
  get(key: string, range?: ByteRange): Promise<StoredFile | null>;
  /** The stored size in bytes, without reading the file; null when missing. */
  size(key: string): Promise<number | null>;
  /** Missing keys are fine. */
  remove(keys: readonly string[]): Promise<void>;
  /** Readiness: throws when the store can't be reached. */
  check(): Promise<void>;
}

/** A key or content type the store refuses; nothing was written. */
export class InvalidFileKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid file key ${JSON.stringify(key.slice(0, 100))}: ${reason}`);
    this.name = 'InvalidFileKeyError';
  }
}

/** Long enough for nested ids, short enough for every filesystem and S3 (1024 bytes). */
export const MAX_FILE_KEY_LENGTH = 512;
const KEY_CHARACTERS = /^[a-z0-9/_.-]+$/;

/**
 * Throws unless `key` is a relative, '/'-separated path of [a-z0-9_.-] segments. No segment may
 * be empty or start with '.', which rules out '.', '..' and hidden files (the filesystem driver's
 * temporary files start with '.'), so a key can never leave the store's root.
 */
export function assertValidFileKey(key: string): void {
  if (key.length === 0 || key.length > MAX_FILE_KEY_LENGTH) {
    throw new InvalidFileKeyError(key, `must be 1 to ${MAX_FILE_KEY_LENGTH} characters`);
  }
  if (!KEY_CHARACTERS.test(key)) {
    throw new InvalidFileKeyError(key, 'only a-z, 0-9, "/", "_", "." and "-" are allowed');
  }
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidFileKeyError(key, 'empty path segment (or leading/trailing "/")');
    if (segment.startsWith('.')) throw new InvalidFileKeyError(key, 'a path segment may not start with "."');
  }
}

/** Content types are stored beside the bytes and sent back as a header: keep them short and plain. */
export function assertValidContentType(contentType: string): void {
  if (contentType.length === 0 || contentType.length > 255 || !/^[\x20-\x7e]+$/.test(contentType)) {
    throw new TypeError(`Invalid content type ${JSON.stringify(contentType.slice(0, 100))}`);
  }
}

export function assertValidSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError(`Invalid file size ${size}`);
}

/** Thrown by `put` when a stream body ends with a different number of bytes than `meta.size`. */
export class FileSizeMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`File body had ${actual} bytes, ${expected} were announced`);
    this.name = 'FileSizeMismatchError';
  }
}
