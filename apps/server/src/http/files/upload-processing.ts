import { ImageRejectedError, inspectFile, prepareImage } from '@pigeon/media';
import type { AttachmentKind } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';

/** Bytes to store: the staged file itself, or a re-encoded copy in memory. */
export type UploadBytes = { path: string; size: number } | { data: Buffer; size: number };

/** An upload's bytes as they will be stored, and what is known of them. */
export interface ProcessedUpload {
  contentType: string;
  kind: AttachmentKind;
  original: UploadBytes;
  preview: (UploadBytes & { contentType: string }) | null;
  width?: number | undefined;
  height?: number | undefined;
  blurhash?: string | undefined;
}

/**
 * The type from the bytes (never the name or the client's word); an image is re-encoded without
 * its metadata (EXIF and GPS gone), with a preview, its size and a blurhash. An image that cannot
 * be decoded, or is too large to, is refused (415) rather than stored as something it is not.
 */
export async function processUpload(staged: { path: string; size: number }): Promise<ProcessedUpload> {
  const { contentType, kind } = await inspectFile(staged.path);
  if (kind !== 'image') return { contentType, kind, original: staged, preview: null };
  try {
    const image = await prepareImage(staged.path);
    return {
      contentType: image.original.contentType,
      kind,
      original: { data: image.original.data, size: image.original.data.length },
      preview: {
        data: image.preview.data,
        size: image.preview.data.length,
        contentType: image.preview.contentType,
      },
      width: image.width,
      height: image.height,
      blurhash: image.blurhash,
    };
  } catch (err) {
    if (err instanceof ImageRejectedError) {
      throw new TRPCError({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'This image cannot be read, or is too large to show. Send it as a file in an archive.',
        cause: err,
      });
    }
    throw err;
  }
}
