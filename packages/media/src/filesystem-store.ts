import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { access, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  FileSizeMismatchError,
  assertValidContentType,
  assertValidFileKey,
  assertValidSize,
  type FileStore,
  type StoredFile,
} from './file-store';
import { sizeGuard } from './size-guard';

/**
 * Each file is one regular file at `<root>/<key>`: a first line of JSON metadata
 * (`{"contentType":…,"size":…}`), then the bytes. Keeping the metadata in the same file makes
 * a put one atomic rename (no data without its type, no type without its data), and a backup of
 * the directory is a complete backup of the store.
 */
const HEADER_MAX_BYTES = 1024;

interface Header {
  contentType: string;
  size: number;
}

export function createFilesystemStore(options: { root: string }): FileStore {
  const root = path.resolve(options.root);

  /** The file opened, its metadata line read: where its bytes start. null when missing. */
  async function openStored(key: string) {
    const file = pathOf(key);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    try {
      const buffer = Buffer.alloc(HEADER_MAX_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEADER_MAX_BYTES, 0);
      const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (end < 0) throw new Error(`Stored file ${key} has no metadata line`);
      const header = parseHeader(buffer.subarray(0, end).toString('utf8'), key);
      return { handle, header, bodyOffset: end + 1 };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  function pathOf(key: string): string {
    assertValidFileKey(key);
    const full = path.join(root, ...key.split('/'));
    // Defence in depth: the key rules already make this impossible.
    if (!full.startsWith(root + path.sep)) throw new Error('File key escapes the store root');
    return full;
  }

  return {
    driver: 'filesystem',

    async put(key, body, meta) {
      const target = pathOf(key);
      assertValidContentType(meta.contentType);
      assertValidSize(meta.size);
      if (Buffer.isBuffer(body) && body.length !== meta.size) {
        throw new FileSizeMismatchError(meta.size, body.length);
      }
      await mkdir(path.dirname(target), { recursive: true });
      // Written beside the target (same filesystem, so the rename is atomic) under a name no key
      // can have: segments of keys never start with '.'.
      const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
      const header: Header = { contentType: meta.contentType, size: meta.size };
      try {
        const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
        const out = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
        out.write(JSON.stringify(header) + '\n');
        await pipeline(source, sizeGuard(meta.size), out);
        await rename(temporary, target);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
    },

    async get(key, range): Promise<StoredFile | null> {
      const opened = await openStored(key);
      if (!opened) return null;
      const { handle, header, bodyOffset } = opened;
      // Reading through the open handle: a concurrent remove or overwrite can't cut the stream.
      const body = handle.createReadStream({
        start: bodyOffset + (range?.start ?? 0),
        ...(range ? { end: bodyOffset + range.end } : {}),
        autoClose: true,
      });
      return { body, size: header.size, contentType: header.contentType };
    },

    async size(key) {
      const opened = await openStored(key);
      if (!opened) return null;
      await opened.handle.close();
      return opened.header.size;
    },

    async remove(keys) {
      const files = keys.map(pathOf);
      for (const file of files) {
        await unlink(file).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      }
    },

    async check() {
      await mkdir(root, { recursive: true });
      await access(root, constants.R_OK | constants.W_OK);
    },
  };
}

function parseHeader(line: string, key: string): Header {
  const parsed: unknown = JSON.parse(line);
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    'contentType' in parsed &&
    typeof parsed.contentType === 'string' &&
    'size' in parsed &&
    typeof parsed.size === 'number'
  ) {
    return { contentType: parsed.contentType, size: parsed.size };
  }
  throw new Error(`Stored file ${key} has unreadable metadata`);
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}
