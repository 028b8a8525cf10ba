import { useState } from 'react';
import type { AttachmentView } from '../../lib/attachment-view';
import { useAttachmentUrl } from '../../lib/attachment-blobs';
import { useOpenImage } from '../../lib/image-viewer-context';
import { BlurhashCanvas } from './blurhash-canvas';

/** The largest a preview shows in the list; smaller images keep their own size. */
const MAX_SIDE = 280;
/** An image whose dimensions the server did not give still gets a box of its own. */
const FALLBACK = { width: 240, height: 180 };

/** The box an image takes in the list, known before any byte of it arrives (so nothing jumps). */
export function previewBox(view: Pick<AttachmentView, 'width' | 'height'>): {
  width: number;
  height: number;
} {
  const width = view.width && view.width > 0 ? view.width : FALLBACK.width;
  const height = view.height && view.height > 0 ? view.height : FALLBACK.height;
  const scale = Math.min(1, MAX_SIDE / width, MAX_SIDE / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * An image in a message: its blurhash in a box of the final size, the preview fading in over it
 * once downloaded. A button: it opens the conversation's image viewer here.
 */
export function ImagePreview({ view, tabbable }: { view: AttachmentView; tabbable: boolean }) {
  const preview = useAttachmentUrl(view.id, 'preview');
  const [loaded, setLoaded] = useState(false);
  const openImage = useOpenImage();
  const box = previewBox(view);
  return (
    <button
      type="button"
      tabIndex={tabbable ? 0 : -1}
      data-testid="image-preview"
      data-attachment-id={view.id}
      data-loaded={loaded || undefined}
      aria-label={`Open image ${view.name}`}
      onClick={() => openImage(view.id)}
      className="relative block max-w-full overflow-hidden rounded-lg bg-slate-200 dark:bg-slate-700"
      style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
    >
      {view.blurhash && !loaded && (
        <BlurhashCanvas hash={view.blurhash} className="absolute inset-0 size-full" />
      )}
      {preview.url && (
        <img
          src={preview.url}
          alt={view.name}
          onLoad={() => setLoaded(true)}
          className={`absolute inset-0 size-full object-cover transition-opacity ${loaded ? 'opacity-100' : 'opacity-0'}`}
        />
      )}
      {preview.status === 'error' && (
        <span className="absolute inset-0 flex items-center justify-center p-2 text-xs">
          {preview.error.message}
        </span>
      )}
    </button>
  );
}
