import { useCallback } from 'react';
import { useAttachmentUrl } from '../../lib/attachment-blobs';
import type { AttachmentView } from '../../lib/attachment-view';

/**
 * A sound or a video, played in the message. Mounted only once asked for: its bytes come down
 * then (a video can be tens of megabytes), with the session's token, and play from memory.
 */
export function MediaPlayer({ view, tabbable }: { view: AttachmentView; tabbable: boolean }) {
  const media = useAttachmentUrl(view.id, 'original');
  // The Play button that was pressed is gone: focus goes to the player, so keys work on.
  const focusOnce = useCallback((element: HTMLMediaElement | null) => element?.focus(), []);
  if (media.status === 'loading') {
    return (
      <p role="status" className="text-xs text-slate-600 dark:text-slate-300">
        Loading {view.name}…
      </p>
    );
  }
  if (media.status === 'error') {
    return (
      <p role="alert" className="text-xs text-rose-700 dark:text-rose-400">
        {media.error.message}
      </p>
    );
  }
  const shared = {
    ref: focusOnce,
    src: media.url,
    controls: true,
    // Asked for by a tap or a key just now: it starts at once.
    autoPlay: true,
    tabIndex: tabbable ? 0 : -1,
    'aria-label': view.name,
    'data-testid': 'media-player',
  };
  return view.kind === 'video' ? (
    <video {...shared} playsInline className="max-h-80 w-full rounded-lg bg-black" />
  ) : (
    <audio {...shared} className="w-full" />
  );
}
