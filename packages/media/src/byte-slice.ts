import { Transform } from 'node:stream';
import type { ByteRange } from './file-store';

/**
 * Passes on only bytes `start` to `end` (both included) of what flows through, then ends. For an
 * S3-compatible server that answers a ranged read with the whole object, as HTTP allows.
 */
export function byteSlice({ start, end }: ByteRange): Transform {
  let position = 0;
  let ended = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!ended) {
        const from = Math.max(start - position, 0);
        const to = Math.min(end + 1 - position, chunk.length);
        if (to > from) this.push(chunk.subarray(from, to));
      }
      position += chunk.length;
      if (!ended && position > end) {
        ended = true;
        this.push(null);
      }
      done();
    },
  });
}
