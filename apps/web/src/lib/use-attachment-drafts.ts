import { useCallback, useEffect, useRef, useState } from 'react';
import { useAppSelector } from '../store';
import type { PendingAttachment } from '../store/outbox';
import { attachmentLimits, formatSize, type AttachmentLimits, type AttachmentView } from './attachment-view';
import { useAttachmentLimits } from './attachment-limits';
import { newClientId } from './ids';
import { keepQueuedFile } from './outbox-blobs';
import { useSessionTokens } from './session-tokens';
import { UploadCancelled, uploadAttachment } from './upload-attachment';

/**
 * A file chosen in the composer: `uploading` (with progress) as soon as it is chosen, `done`
 * once the server has it, `failed` (cancelled, refused, or the network dropped) with a retry,
 * or `waiting` for the network when chosen offline (it then goes with the message through the
 * outbox, which uploads it when the network is back).
 */
export interface AttachmentDraft {
  localId: string;
  file: File;
  status: 'uploading' | 'done' | 'failed' | 'waiting';
  /** 0–1 while uploading. */
  progress: number;
  error?: string;
  view?: AttachmentView;
  /** An object URL of the file itself, for an image's thumbnail. */
  thumbnailUrl?: string;
}

/** Why these files can't be added (too many, too large), in words; empty when they all can. */
export function refusedFiles(
  files: File[],
  alreadyChosen: number,
  limits: AttachmentLimits = attachmentLimits,
): { accepted: File[]; problems: string[] } {
  const problems: string[] = [];
  const accepted: File[] = [];
  for (const file of files) {
    if (file.size > limits.maxBytes) {
      problems.push(
        `“${file.name}” is ${formatSize(file.size)}; files can be at most ${formatSize(limits.maxBytes)}.`,
      );
    } else if (alreadyChosen + accepted.length >= limits.maxPerMessage) {
      problems.push(
        `A message can carry at most ${limits.maxPerMessage} files; “${file.name}” was left out.`,
      );
    } else {
      accepted.push(file);
    }
  }
  return { accepted, problems };
}

/**
 * The files of the message being written: chosen, uploaded with progress, cancelled, retried,
 * removed; and taken for the send. Thumbnails' object URLs are revoked when a file goes.
 */
export function useAttachmentDrafts() {
  const tokens = useSessionTokens();
  const online = useAppSelector((s) => s.connection.online);
  const limits = useAttachmentLimits();
  const [drafts, setDrafts] = useState<AttachmentDraft[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const uploads = useRef(new Map<string, AbortController>());
  const draftsRef = useRef(drafts);
  // Handlers read the newest list (a retry right after a change of state).
  useEffect(() => {
    draftsRef.current = drafts;
  }, [drafts]);

  const update = useCallback((localId: string, changes: Partial<AttachmentDraft>) => {
    setDrafts((all) => all.map((d) => (d.localId === localId ? { ...d, ...changes } : d)));
  }, []);

  const start = useCallback(
    (draft: AttachmentDraft) => {
      const abort = new AbortController();
      uploads.current.get(draft.localId)?.abort();
      uploads.current.set(draft.localId, abort);
      update(draft.localId, { status: 'uploading', progress: 0, error: undefined });
      uploadAttachment(tokens, draft.file, draft.file.name, {
        signal: abort.signal,
        onProgress: (progress) => update(draft.localId, { progress }),
      })
        .then(
          (view) => update(draft.localId, { status: 'done', progress: 1, view }),
          (err: unknown) => {
            // Superseded (a retry started another upload) or removed: nothing to show.
            if (uploads.current.get(draft.localId) !== abort) return;
            update(draft.localId, {
              status: 'failed',
              error: err instanceof UploadCancelled ? 'Cancelled.' : (err as Error).message,
            });
          },
        )
        .finally(() => {
          if (uploads.current.get(draft.localId) === abort) uploads.current.delete(draft.localId);
        });
    },
    [tokens, update],
  );

  const add = useCallback(
    (files: File[]) => {
      const { accepted, problems } = refusedFiles(files, draftsRef.current.length, limits);
      setProblems(problems);
      const added = accepted.map((file): AttachmentDraft => ({
        localId: newClientId(),
        file,
        status: 'waiting',
        progress: 0,
        ...(file.type.startsWith('image/') ? { thumbnailUrl: URL.createObjectURL(file) } : {}),
      }));
      setDrafts((all) => [...all, ...added]);
      if (navigator.onLine) added.forEach(start);
    },
    [start, limits],
  );

  // Files chosen offline start uploading when the network is back.
  useEffect(() => {
    if (online) draftsRef.current.filter((d) => d.status === 'waiting').forEach(start);
  }, [online, start]);

  const forget = (draft: AttachmentDraft, keepThumbnail = false) => {
    uploads.current.get(draft.localId)?.abort();
    uploads.current.delete(draft.localId);
    if (draft.thumbnailUrl && !keepThumbnail) URL.revokeObjectURL(draft.thumbnailUrl);
  };

  // Leaving the conversation drops its unsent files (and stops their uploads).
  useEffect(
    () => () => {
      for (const abort of uploads.current.values()) abort.abort();
      for (const d of draftsRef.current) if (d.thumbnailUrl) URL.revokeObjectURL(d.thumbnailUrl);
    },
    [],
  );

  const uploading = drafts.some((d) => d.status === 'uploading');
  const failedCount = drafts.filter((d) => d.status === 'failed').length;
  return {
    drafts,
    problems,
    add,
    cancel: (localId: string) => uploads.current.get(localId)?.abort(),
    retry: (localId: string) => {
      const draft = draftsRef.current.find((d) => d.localId === localId);
      if (!draft) return;
      if (navigator.onLine) start(draft);
      else update(localId, { status: 'waiting', error: undefined });
    },
    remove: (localId: string) => {
      const draft = draftsRef.current.find((d) => d.localId === localId);
      if (draft) forget(draft);
      setDrafts((all) => all.filter((d) => d.localId !== localId));
      setProblems([]);
    },
    /** Files ready to go with a message: uploaded, or waiting for the network. */
    ready: drafts.filter((d) => d.status === 'done' || d.status === 'waiting').length,
    /** Why Send must wait, if it must. */
    blocked: uploading
      ? 'Wait for the uploads to finish.'
      : failedCount > 0
        ? 'Retry or remove the files that did not upload.'
        : undefined,
    /** Hands the files to a message being sent (keeping the bytes of any not uploaded yet on the device) and starts over. */
    take: (): PendingAttachment[] => {
      const taken = draftsRef.current.filter((d) => d.status === 'done' || d.status === 'waiting');
      for (const d of taken) {
        if (!d.view) void keepQueuedFile(d.localId, d.file);
        forget(d);
      }
      setDrafts([]);
      setProblems([]);
      return taken.map((d) => ({
        localId: d.localId,
        name: d.file.name,
        size: d.file.size,
        contentType: d.file.type || 'application/octet-stream',
        ...(d.view ? { view: d.view } : {}),
      }));
    },
  };
}

export type AttachmentDrafts = ReturnType<typeof useAttachmentDrafts>;
