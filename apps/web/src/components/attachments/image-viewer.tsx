import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { saveAttachment, useAttachmentUrl } from '../../lib/attachment-blobs';
import type { AttachmentView } from '../../lib/attachment-view';
import { useSessionTokens } from '../../lib/session-tokens';

/** How far a finger must travel sideways to count as a swipe to the next or previous image. */
const SWIPE_PX = 50;

const CONTROL =
  'rounded-md bg-white/10 px-3 py-2 text-sm font-medium text-white hover:bg-white/20 disabled:opacity-40 pointer-coarse:min-h-11 pointer-coarse:min-w-11';

/**
 * The conversation's images, one at a time, full size: ← and → (or a swipe) move between them,
 * Escape closes, and focus goes back to the preview of the image last shown. Modal: focus stays
 * inside while it is open.
 */
export function ImageViewer({
  images,
  openId,
  onOpenChange,
}: {
  /** The conversation's images, oldest first. */
  images: AttachmentView[];
  /** The one shown; null when closed. */
  openId: string | null;
  onOpenChange: (id: string | null) => void;
}) {
  const index = images.findIndex((image) => image.id === openId);
  const current = index >= 0 ? images[index] : undefined;
  // Closing renders with nothing shown: remember what was, to return focus to its preview.
  const lastShown = useRef('');
  useEffect(() => {
    if (current) lastShown.current = current.id;
  }, [current]);
  const go = (step: number) => {
    const next = images[index + step];
    if (next) onOpenChange(next.id);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowLeft') {
      e.preventDefault();
      go(-1);
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      go(1);
    }
  };
  return (
    <Dialog.Root open={current !== undefined} onOpenChange={(open) => !open && onOpenChange(null)}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/95" />
        <Dialog.Content
          className="fixed inset-0 z-50 flex flex-col text-white outline-none"
          onKeyDown={onKeyDown}
          aria-describedby={undefined}
          onCloseAutoFocus={(e) => {
            // Back to the preview of the image last shown (it may not be the one that opened it).
            const preview = document.querySelector<HTMLElement>(
              `[data-attachment-id="${CSS.escape(lastShown.current)}"]`,
            );
            if (preview) {
              e.preventDefault();
              preview.focus();
            }
          }}
        >
          {current && <ViewerBody image={current} position={index + 1} count={images.length} go={go} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function ViewerBody({
  image,
  position,
  count,
  go,
}: {
  image: AttachmentView;
  position: number;
  count: number;
  go: (step: number) => void;
}) {
  const tokens = useSessionTokens();
  const original = useAttachmentUrl(image.id, 'original');
  // The preview is in memory already (the list showed it): it stands in while the original loads.
  const preview = useAttachmentUrl(image.id, 'preview');
  const [loadedId, setLoadedId] = useState<string | null>(null);
  const swipeStart = useRef<number | null>(null);
  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType !== 'mouse') swipeStart.current = e.clientX;
  };
  const onPointerUp = (e: PointerEvent) => {
    const start = swipeStart.current;
    swipeStart.current = null;
    if (start === null) return;
    const dx = e.clientX - start;
    if (Math.abs(dx) >= SWIPE_PX) go(dx < 0 ? 1 : -1);
  };
  const loaded = loadedId === image.id;
  return (
    <>
      <div className="flex items-center gap-2 p-2">
        <Dialog.Title className="min-w-0 flex-1 truncate px-2 text-sm font-medium">
          {image.name}{' '}
          <span className="text-white/80">
            ({position} of {count})
          </span>
        </Dialog.Title>
        <button
          type="button"
          className={CONTROL}
          onClick={() => void saveAttachment(tokens, image.id, image.name)}
        >
          Download
        </button>
        <Dialog.Close className={CONTROL} aria-label="Close image viewer">
          Close
        </Dialog.Close>
      </div>
      <div
        className="relative flex min-h-0 flex-1 touch-pan-y items-center justify-center px-2 select-none"
        onPointerDown={onPointerDown}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (swipeStart.current = null)}
        data-testid="viewer-stage"
      >
        {!loaded && preview.url && (
          <img
            src={preview.url}
            alt=""
            aria-hidden
            className="absolute max-h-full max-w-full object-contain blur-sm"
          />
        )}
        {original.url && (
          <img
            key={image.id}
            src={original.url}
            alt={image.name}
            data-testid="viewer-image"
            data-loaded={loaded || undefined}
            onLoad={() => setLoadedId(image.id)}
            draggable={false}
            className="relative max-h-full max-w-full object-contain"
          />
        )}
        {original.status === 'error' && <p role="alert">{original.error.message}</p>}
      </div>
      <div className="flex justify-between p-2">
        <button
          type="button"
          className={CONTROL}
          onClick={() => go(-1)}
          disabled={position <= 1}
          aria-label="Previous image"
        >
          ← Previous
        </button>
        <button
          type="button"
          className={CONTROL}
          onClick={() => go(1)}
          disabled={position >= count}
          aria-label="Next image"
        >
          Next →
        </button>
      </div>
    </>
  );
}
