import type { AttachmentKind } from '@pigeon/schema';

/** An upload's bytes as they will be stored, and what is known of them. */
export interface ProcessedUpload {
  contentType: string;
  kind: AttachmentKind;
  original: { path: string; size: number };
  preview: { path: string; size: number; contentType: string } | null;
  width?: number | undefined;
  height?: number | undefined;
  blurhash?: string | undefined;
  /** Removes any files processing made (the staged upload is the caller's). */
  cleanup(): Promise<void>;
}

/**
 * Detects the type from the bytes and, for images, strips metadata and makes a preview.
 * Until the media package's detector lands, every upload is an opaque file: served as
 * application/octet-stream, as an attachment, which is always safe.
 */
export function processUpload(staged: { path: string; size: number }): Promise<ProcessedUpload> {
  return Promise.resolve({
    contentType: 'application/octet-stream',
    kind: 'file',
    original: staged,
    preview: null,
    cleanup: () => Promise.resolve(),
  });
}

/** Types a browser may show from Pigeon's origin (never HTML, script or SVG). */
export function isInlineSafe(contentType: string): boolean {
  return /^(image\/(png|jpeg|gif|webp|avif)|video\/(mp4|webm)|audio\/(mpeg|ogg|wav|webm|mp4))$/.test(
    contentType,
  );
}
