import type { AttachmentView } from './attachment-view';
import type { SessionTokens } from './session-tokens';

/**
 * An upload the server refused or that never reached it. `data.httpStatus` has the shape of a
 * tRPC client error's, so the outbox sender tells a refusal (4xx: too large, not an image) from
 * a passing failure (network, 5xx, 429) the same way for both.
 */
export class UploadError extends Error {
  readonly data: { httpStatus: number | undefined };
  constructor(message: string, httpStatus: number | undefined) {
    super(message);
    this.name = 'UploadError';
    this.data = { httpStatus };
  }
}

/** The upload was cancelled (`signal` aborted): not an error to show. */
export class UploadCancelled extends Error {
  constructor() {
    super('Upload cancelled.');
    this.name = 'UploadCancelled';
  }
}

/** Readable words for the statuses the upload route answers, when its body has none. */
function statusMessage(status: number): string {
  if (status === 413) return 'The file is too large, or your storage is full.';
  if (status === 415) return 'This image could not be read.';
  if (status === 429) return 'Too many uploads right now; try again in a moment.';
  if (status === 0) return 'No connection to the server.';
  return `The upload failed (${status}).`;
}

function errorOf(xhr: XMLHttpRequest): UploadError {
  let message = statusMessage(xhr.status);
  try {
    const body = JSON.parse(xhr.responseText) as { error?: { message?: unknown } };
    if (xhr.status !== 0 && typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON (a proxy's page, or nothing): the status says enough.
  }
  return new UploadError(message, xhr.status === 0 ? undefined : xhr.status);
}

function send(
  file: Blob,
  name: string,
  token: string,
  onProgress: (fraction: number) => void,
  signal: AbortSignal | undefined,
): Promise<{ ok: true; view: AttachmentView } | { ok: false; xhr: XMLHttpRequest }> {
  return new Promise((resolve, reject) => {
    // XMLHttpRequest, not fetch: only it reports upload progress.
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/uploads?name=${encodeURIComponent(name)}`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          resolve({ ok: true, view: JSON.parse(xhr.responseText) as AttachmentView });
        } catch {
          reject(new UploadError('The server answered the upload with something unreadable.', xhr.status));
        }
      } else {
        resolve({ ok: false, xhr });
      }
    };
    xhr.onerror = () => reject(errorOf(xhr));
    xhr.ontimeout = () => reject(errorOf(xhr));
    xhr.onabort = () => reject(new UploadCancelled());
    const abort = () => xhr.abort();
    if (signal?.aborted) return reject(new UploadCancelled());
    signal?.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener('abort', abort);
    xhr.send(file);
  });
}

/**
 * Uploads one file (`POST /api/v1/uploads`), reporting progress (0–1), cancellable by `signal`.
 * A 401 means the access token expired on the way: refresh once and go again.
 */
export async function uploadAttachment(
  tokens: SessionTokens,
  file: Blob,
  name: string,
  options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<AttachmentView> {
  const onProgress = options.onProgress ?? (() => {});
  for (let attempt = 0; ; attempt++) {
    const token = attempt === 0 ? await tokens.accessToken() : (await tokens.refresh())?.accessToken;
    if (!token) throw new UploadError('You are signed out.', 401);
    const answer = await send(file, name, token, onProgress, options.signal);
    if (answer.ok) return answer.view;
    if (answer.xhr.status !== 401 || attempt > 0) throw errorOf(answer.xhr);
  }
}
