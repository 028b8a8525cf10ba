import { Transform } from 'node:stream';
import { FileSizeMismatchError } from './file-store';

/**
 * Passes bytes through and fails the stream as soon as more than `expected` bytes arrive, or at
 * the end when fewer did: a store never keeps a body that differs from the size it was told.
 */
export function sizeGuard(expected: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > expected) callback(new FileSizeMismatchError(expected, seen));
      else callback(null, chunk);
    },
    flush(callback) {
      callback(seen === expected ? null : new FileSizeMismatchError(expected, seen));
    },
  });
}
