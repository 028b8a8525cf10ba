import { encode } from 'blurhash';
import sharp, { type Metadata, type Sharp } from 'sharp';

/** An image sharp refused or that breaks a limit: a bad upload, never a server error. */
export class ImageRejectedError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Image rejected: ${reason}`, options);
    this.name = 'ImageRejectedError';
  }
}

/** Decompression-bomb guard: a few KB of PNG can claim gigapixels. 50 Mpx covers phone cameras. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const PREVIEW_MAX_SIDE = 1024;
export const AVATAR_SIZE = 512;
const BLURHASH_MAX_SIDE = 32;

type KeptFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';
const KEPT_FORMATS: readonly string[] = ['jpeg', 'png', 'webp', 'gif', 'avif'] satisfies KeptFormat[];

export interface PreparedImage {
  /** The image re-encoded in its own format: upright, and with no EXIF, GPS, XMP or comments. */
  original: { data: Buffer; contentType: string };
  /** At most PREVIEW_MAX_SIDE on the long side; the first frame of an animation. */
  preview: { data: Buffer; contentType: 'image/webp' };
  /** As displayed, after EXIF rotation. */
  width: number;
  height: number;
  blurhash: string;
}

/**
 * Makes an uploaded image safe to share and cheap to show. Orientation from EXIF is applied to
 * the pixels, then every metadata block is dropped (sharp writes none unless asked; colour is
 * converted to sRGB). JPEG, PNG, WebP, GIF and AVIF keep their format; an animated GIF or WebP
 * keeps its animation in `original`, while preview and blurhash show its first frame.
 */
export async function prepareImage(path: string): Promise<PreparedImage> {
  const metadata = await readMetadata(path);
  const format = metadata.format as string;
  if (!KEPT_FORMATS.includes(format)) throw new ImageRejectedError(`unsupported format ${format}`);
  const animated = (metadata.pages ?? 1) > 1 && (format === 'gif' || format === 'webp');

  return guard(async () => {
    const originalPipeline = animated ? open(path, { animated: true }) : open(path).autoOrient();
    const original = await encodeAs(originalPipeline, format as KeptFormat).toBuffer({
      resolveWithObject: true,
    });
    const width = original.info.width;
    const height = original.info.pageHeight ?? original.info.height;

    const preview = await open(path)
      .autoOrient()
      .resize({ width: PREVIEW_MAX_SIDE, height: PREVIEW_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();

    const tiny = await open(path)
      .autoOrient()
      .resize({ width: BLURHASH_MAX_SIDE, height: BLURHASH_MAX_SIDE, fit: 'inside' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const blurhash = encode(new Uint8ClampedArray(tiny.data), tiny.info.width, tiny.info.height, 4, 3);

    return {
      original: { data: original.data, contentType: `image/${format}` },
      preview: { data: preview, contentType: 'image/webp' as const },
      width,
      height,
      blurhash,
    };
  });
}

/**
 * A square avatar, AVATAR_SIZE px, as WebP with no metadata. `crop` is a square in the upright
 * image's pixels (after EXIF rotation); without it the largest centred square is used.
 */
export async function prepareAvatar(
  path: string,
  crop?: { x: number; y: number; size: number },
): Promise<{ data: Buffer; contentType: 'image/webp' }> {
  const metadata = await readMetadata(path);
  if (!KEPT_FORMATS.includes(metadata.format)) {
    throw new ImageRejectedError(`unsupported format ${metadata.format as string}`);
  }
  return guard(async () => {
    let pipeline = open(path).autoOrient();
    if (crop) {
      const { width, height } = metadata.autoOrient;
      const valid =
        [crop.x, crop.y, crop.size].every(Number.isSafeInteger) &&
        crop.x >= 0 &&
        crop.y >= 0 &&
        crop.size > 0 &&
        crop.x + crop.size <= width &&
        crop.y + crop.size <= height;
      if (!valid) throw new ImageRejectedError(`crop must be a square inside the ${width}×${height} image`);
      pipeline = pipeline.extract({ left: crop.x, top: crop.y, width: crop.size, height: crop.size });
    }
    const data = await pipeline
      .resize({ width: AVATAR_SIZE, height: AVATAR_SIZE, fit: 'cover', position: 'centre' })
      .webp({ quality: 85 })
      .toBuffer();
    return { data, contentType: 'image/webp' as const };
  });
}

function open(path: string, options: { animated?: boolean } = {}): Sharp {
  // failOn 'error': tolerate harmless warnings common in phone photos, refuse broken pixel data.
  return sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', ...options });
}

function encodeAs(pipeline: Sharp, format: KeptFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return pipeline.jpeg({ quality: 90, mozjpeg: true });
    case 'png':
      return pipeline.png();
    case 'webp':
      return pipeline.webp({ quality: 90 });
    case 'gif':
      return pipeline.gif();
    case 'avif':
      return pipeline.avif();
  }
}

async function readMetadata(path: string): Promise<Metadata> {
  const metadata = await guard(() => open(path).metadata());
  const frames = metadata.pages ?? 1;
  // sharp checks the first frame against limitInputPixels; an animation multiplies the work.
  if (metadata.width * (metadata.pageHeight ?? metadata.height) * frames > MAX_IMAGE_PIXELS) {
    throw new ImageRejectedError(`more than ${MAX_IMAGE_PIXELS} pixels`);
  }
  return metadata;
}

/** sharp reports bad input as plain Errors; turn them into ImageRejectedError. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ImageRejectedError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ImageRejectedError(message, { cause: error });
  }
}
