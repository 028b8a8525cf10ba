// The Node entry by name: bundlers resolving for other platforms (the client package's type build
// follows the router's types here) would otherwise pick file-type's core, which has no file reader.
import { fileTypeFromFile } from 'file-type/node';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export type FileKind = 'image' | 'video' | 'audio' | 'file';

/** The raster formats prepareImage handles and every browser shows: only these are 'image'. */
export const RASTER_IMAGE_TYPES: readonly string[] = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
];

const INLINE_SAFE_TYPES = new Set([
  ...RASTER_IMAGE_TYPES,
  'text/plain',
  'application/pdf',
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/ogg',
  'audio/opus',
  'audio/wav',
  'audio/x-wav',
  'audio/webm',
  'audio/flac',
  'audio/x-flac',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'video/quicktime',
]);

export const PLAIN_TEXT = 'text/plain; charset=utf-8';
export const OCTET_STREAM = 'application/octet-stream';
/** How much of a text file is looked at for an opening tag. */
const MARKUP_SNIFF_BYTES = 4096;

/**
 * What a file is, judged from its bytes only (file-type's magic numbers); the name and type a
 * client sends are never trusted. What it can't recognise is `application/octet-stream`, except
 * valid UTF-8 without NUL bytes, which is `text/plain; charset=utf-8` (or `text/html`,
 * `image/svg+xml`, `application/xml` when it opens with a tag).
 *
 * SVG, HTML, XML and JavaScript are never 'image' (nor inline-safe): they are text that a browser
 * would run as a page or a script on Pigeon's origin, so they are only ever served as downloads.
 */
export async function inspectFile(path: string): Promise<{ contentType: string; kind: FileKind }> {
  const detected = await fileTypeFromFile(path);
  // file-type calls every XML document application/xml, SVG included: look closer at those.
  if (detected && detected.mime !== 'application/xml')
    return { contentType: detected.mime, kind: kindOf(detected.mime) };
  if (!(await isUtf8TextFile(path))) return { contentType: OCTET_STREAM, kind: 'file' };
  return { contentType: markupType(await readStart(path)) ?? PLAIN_TEXT, kind: 'file' };
}

/**
 * Text that opens with a tag is markup a browser would render (HTML, SVG, XML): name it for what
 * it is, so it is never mistaken for harmless plain text and never shown inline.
 */
function markupType(start: string): string | null {
  const text = start
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (!text.startsWith('<')) return null;
  if (text.includes('<svg')) return 'image/svg+xml';
  if (text.startsWith('<?xml')) return 'application/xml';
  return 'text/html';
}

async function readStart(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MARKUP_SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MARKUP_SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function kindOf(mime: string): FileKind {
  if (RASTER_IMAGE_TYPES.includes(mime)) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'file';
}

/**
 * Whether a download of this type may be shown in the page (`Content-Disposition: inline`):
 * raster images, plain text, common audio and video, and PDF. Everything else, SVG and HTML
 * first of all, must go out as an attachment.
 */
export function isInlineSafe(contentType: string): boolean {
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return INLINE_SAFE_TYPES.has(essence);
}

/** Streams the file through a strict UTF-8 decoder: any invalid sequence or NUL byte says "binary". */
async function isUtf8TextFile(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path)) {
      const bytes = chunk as Buffer;
      if (bytes.includes(0)) return false;
      decoder.decode(bytes, { stream: true });
    }
    decoder.decode();
    return true;
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}
