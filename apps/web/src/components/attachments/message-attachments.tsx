import { formatSize, type AttachmentView } from '../../lib/attachment-view';
import type { PendingAttachment } from '../../store/outbox';
import { FileCard } from './file-card';
import { ImagePreview } from './image-preview';
import { KindIcon } from './kind-icon';

/**
 * A stored message's files: images as previews (they open the viewer), the rest as cards. Their
 * controls are Tab stops only on the list's current message (the list is one Tab stop).
 */
export function MessageAttachments({
  attachments,
  tabbable,
}: {
  attachments: AttachmentView[];
  tabbable: boolean;
}) {
  if (attachments.length === 0) return null;
  return (
    <div className="mb-1 flex flex-col gap-1" data-testid="attachments">
      {attachments.map((view) =>
        view.kind === 'image' ? (
          <ImagePreview key={view.id} view={view} tabbable={tabbable} />
        ) : (
          <FileCard key={view.id} view={view} tabbable={tabbable} />
        ),
      )}
    </div>
  );
}

/** The files of a message still on its way: names and sizes (uploaded with it when it goes). */
export function PendingAttachments({ attachments }: { attachments: PendingAttachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <ul className="mb-1 flex flex-col gap-1" data-testid="pending-attachments" aria-label="Files">
      {attachments.map((file) => (
        <li key={file.localId} className="flex items-center gap-2 text-sm">
          <KindIcon kind={file.view?.kind} contentType={file.contentType} />
          <span className="min-w-0 truncate">{file.name}</span>
          <span className="shrink-0 text-xs opacity-80">{formatSize(file.size)}</span>
        </li>
      ))}
    </ul>
  );
}
