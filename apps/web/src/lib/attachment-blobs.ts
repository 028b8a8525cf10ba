import { useEffect, useState } from 'react';
import { useSessionTokens, type SessionTokens } from './session-tokens';

export type AttachmentVariant = 'original' | 'preview';

/**
 * Downloaded files kept in memory, so scrolling back to an image (or opening it again) does not
 * fetch it again. Bounded: past the budget the least recently used go (their object URLs are the
 * components', which revoke their own).
 */
const CACHE_BUDGET_BYTES = 64 * 1024 * 1024;
const cache = new Map<string, Promise<Blob>>();
const sizes = new Map<string, number>();

function remember(key: string, blob: Promise<Blob>): void {
  cache.set(key, blob);
  blob.then(
    (b) => {
      sizes.set(key, b.size);
      let total = [...sizes.values()].reduce((sum, n) => sum + n, 0);
      // A Map iterates in insertion order, and every read re-inserts: the first is the stalest.
      for (const old of cache.keys()) {
        if (total <= CACHE_BUDGET_BYTES || old === key) break;
        total -= sizes.get(old) ?? 0;
        cache.delete(old);
        sizes.delete(old);
      }
    },
    // A failed download is not kept: the next look tries again.
    () => {
      cache.delete(key);
      sizes.delete(key);
    },
  );
}

/** A 404 (not allowed, or gone), or any other failed download. */
export class DownloadError extends Error {
  constructor(readonly status: number | undefined) {
    super(status === 404 ? 'This file is not available.' : 'The file could not be downloaded.');
    this.name = 'DownloadError';
  }
}

async function download(tokens: SessionTokens, id: string, variant: AttachmentVariant): Promise<Blob> {
  for (let attempt = 0; ; attempt++) {
    const token = attempt === 0 ? await tokens.accessToken() : (await tokens.refresh())?.accessToken;
    if (!token) throw new DownloadError(401);
    const response = await fetch(`/api/v1/attachments/${encodeURIComponent(id)}/${variant}`, {
      headers: { Authorization: `Bearer ${token}` },
    }).catch(() => null);
    if (!response) throw new DownloadError(undefined);
    // An expired token answers 401 (or 404, which the server gives for "no valid token"
    // too): refresh once and go again.
    if ((response.status === 401 || response.status === 404) && attempt === 0) continue;
    if (!response.ok) throw new DownloadError(response.status);
    return response.blob();
  }
}

/** The file's bytes, from memory or the server (with the session's token). */
export function attachmentBlob(tokens: SessionTokens, id: string, variant: AttachmentVariant): Promise<Blob> {
  const key = `${id}/${variant}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const blob = download(tokens, id, variant);
  remember(key, blob);
  return blob;
}

export type AttachmentUrl =
  | { status: 'loading'; url?: undefined }
  | { status: 'ready'; url: string }
  | { status: 'error'; url?: undefined; error: DownloadError };

/**
 * An object URL for an attachment, for `<img src>` (which can't send the Bearer header): made
 * from the cached bytes while the component shows, revoked when it goes.
 */
export function useAttachmentUrl(id: string, variant: AttachmentVariant): AttachmentUrl {
  const tokens = useSessionTokens();
  const key = `${id}/${variant}`;
  // Kept with the key it is for: another id shows "loading" at once, not the last one's image.
  const [state, setState] = useState<{ key: string; value: AttachmentUrl } | null>(null);
  useEffect(() => {
    let url: string | undefined;
    let live = true;
    attachmentBlob(tokens, id, variant).then(
      (blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setState({ key: `${id}/${variant}`, value: { status: 'ready', url } });
      },
      (err: unknown) => {
        if (!live) return;
        const error = err instanceof DownloadError ? err : new DownloadError(undefined);
        setState({ key: `${id}/${variant}`, value: { status: 'error', error } });
      },
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [tokens, id, variant]);
  return state?.key === key ? state.value : { status: 'loading' };
}

/** Saves the file under its own name (an `<a download>` on an object URL, which the header can't reach otherwise). */
export async function saveAttachment(tokens: SessionTokens, id: string, name: string): Promise<void> {
  const blob = await attachmentBlob(tokens, id, 'original');
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the download by the next task; the URL can go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
