import { useState } from 'react';
import { saveAttachment } from '../../lib/attachment-blobs';
import { formatSize, type AttachmentView } from '../../lib/attachment-view';
import { useSessionTokens } from '../../lib/session-tokens';
import { KindIcon } from './kind-icon';
import { MediaPlayer } from './media-player';

const buttonClass =
  'rounded-md border border-slate-300 px-2 py-1 text-xs font-semibold hover:bg-slate-100 disabled:opacity-50 pointer-coarse:min-h-11 dark:border-slate-600 dark:hover:bg-slate-800';

/**
 * A file that is not an image: its kind, name and size, and a download under its own name. A
 * sound or a video also plays here, when asked.
 */
export function FileCard({ view, tabbable }: { view: AttachmentView; tabbable: boolean }) {
  const tokens = useSessionTokens();
  const [state, setState] = useState<'idle' | 'saving' | 'error'>('idle');
  const [playing, setPlaying] = useState(false);
  const playable = view.kind === 'audio' || view.kind === 'video';
  const save = () => {
    setState('saving');
    saveAttachment(tokens, view.id, view.name).then(
      () => setState('idle'),
      () => setState('error'),
    );
  };
  return (
    <div
      data-testid="file-card"
      className="flex max-w-full min-w-56 flex-col gap-2 rounded-lg border border-slate-300 bg-white p-2 text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center gap-2">
        <span className="flex size-10 shrink-0 items-center justify-center rounded bg-slate-100 dark:bg-slate-800">
          <KindIcon kind={view.kind} />
        </span>
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-medium" title={view.name}>
            {view.name}
          </span>
          <span className="block text-xs text-slate-600 dark:text-slate-300">
            {formatSize(view.size)} · {view.contentType}
            {state === 'error' && <span role="alert"> · Download failed</span>}
          </span>
        </span>
        {playable && !playing && (
          <button
            type="button"
            tabIndex={tabbable ? 0 : -1}
            onClick={() => setPlaying(true)}
            aria-label={`Play ${view.name}`}
            className={buttonClass}
          >
            Play
          </button>
        )}
        <button
          type="button"
          tabIndex={tabbable ? 0 : -1}
          onClick={save}
          disabled={state === 'saving'}
          aria-label={`Download ${view.name}`}
          className={buttonClass}
        >
          {state === 'saving' ? 'Downloading…' : 'Download'}
        </button>
      </div>
      {playing && <MediaPlayer view={view} tabbable={tabbable} />}
    </div>
  );
}
