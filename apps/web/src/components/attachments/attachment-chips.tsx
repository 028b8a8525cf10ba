import { formatSize } from '../../lib/attachment-view';
import type { AttachmentDraft, AttachmentDrafts } from '../../lib/use-attachment-drafts';
import { KindIcon } from './kind-icon';

function stateText(draft: AttachmentDraft): string {
  if (draft.status === 'uploading') return `Uploading, ${Math.round(draft.progress * 100)}%`;
  if (draft.status === 'waiting') return 'Waiting for the network';
  if (draft.status === 'failed') return draft.error ?? 'Not uploaded';
  return 'Ready';
}

const SMALL_BUTTON =
  'rounded px-1.5 py-0.5 text-xs font-semibold underline pointer-coarse:min-h-11 pointer-coarse:min-w-11';

/** The files chosen for the next message, each with its state and what can be done with it. */
export function AttachmentChips({ drafts }: { drafts: AttachmentDrafts }) {
  if (drafts.drafts.length === 0 && drafts.problems.length === 0) return null;
  return (
    <div className="px-3 pt-2">
      {drafts.problems.length > 0 && (
        <ul
          role="alert"
          className="mb-1 text-xs text-rose-700 dark:text-rose-400"
          data-testid="attachment-problems"
        >
          {drafts.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <ul aria-label="Files to send" className="flex flex-wrap gap-2">
        {drafts.drafts.map((draft) => (
          <li
            key={draft.localId}
            data-testid="attachment-chip"
            data-status={draft.status}
            className="flex max-w-full items-center gap-2 rounded-lg border border-slate-300 bg-white py-1 pr-1 pl-1 text-sm dark:border-slate-700 dark:bg-slate-900"
          >
            {draft.thumbnailUrl ? (
              <img src={draft.thumbnailUrl} alt="" className="size-10 shrink-0 rounded object-cover" />
            ) : (
              <span className="flex size-10 shrink-0 items-center justify-center rounded bg-slate-100 dark:bg-slate-800">
                <KindIcon contentType={draft.file.type} />
              </span>
            )}
            <span className="min-w-0">
              <span className="block max-w-48 truncate font-medium">{draft.file.name}</span>
              <span
                className={`block text-xs ${draft.status === 'failed' ? 'text-rose-700 dark:text-rose-400' : 'text-slate-600 dark:text-slate-300'}`}
              >
                {formatSize(draft.file.size)} · <span data-testid="attachment-state">{stateText(draft)}</span>
              </span>
              {draft.status === 'uploading' && (
                <progress
                  className="block h-1 w-full accent-indigo-600"
                  max={1}
                  value={draft.progress}
                  aria-label={`Uploading ${draft.file.name}`}
                />
              )}
            </span>
            {draft.status === 'uploading' && (
              <button
                type="button"
                className={SMALL_BUTTON}
                aria-label={`Cancel uploading ${draft.file.name}`}
                onClick={() => drafts.cancel(draft.localId)}
              >
                Cancel
              </button>
            )}
            {draft.status === 'failed' && (
              <button
                type="button"
                className={SMALL_BUTTON}
                aria-label={`Retry uploading ${draft.file.name}`}
                onClick={() => drafts.retry(draft.localId)}
              >
                Retry
              </button>
            )}
            {draft.status !== 'uploading' && (
              <button
                type="button"
                className={SMALL_BUTTON}
                aria-label={`Remove ${draft.file.name}`}
                onClick={() => drafts.remove(draft.localId)}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
