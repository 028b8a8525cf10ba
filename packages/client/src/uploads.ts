import type { AttachmentView } from '@pigeon/schema';
import type { PigeonClient } from './client';

/** Where to upload, and as whom: a logged-in client (its current token), or a bearer token. */
export type UploadTarget =
  { url: string; client: Pick<PigeonClient, '$session'> } | { url: string; token: string };

/** An upload the server refused: `status` is the HTTP status, `code` the tRPC-style error code. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/**
 * Uploads one file (POST /api/v1/uploads) and resolves with its attachment, ready for
 * `messages.send({ ..., attachmentIds: [attachment.id] })`. Works with Node's and browsers'
 * fetch; for upload progress in a browser use XMLHttpRequest against the same route.
 *
 * ```ts
 * const attachment = await uploadAttachment({ url, client }, await readFile('chart.png'), 'chart.png');
 * await client.messages.send.mutate({ conversationId, body: 'Today', clientId: crypto.randomUUID(), attachmentIds: [attachment.id] });
 * ```
 */
export async function uploadAttachment(
  target: UploadTarget,
  data: Blob | Uint8Array,
  name: string,
  options: { signal?: AbortSignal } = {},
): Promise<AttachmentView> {
  const token = 'token' in target ? target.token : await target.client.$session.accessToken();
  if (!token) throw new UploadError(401, 'UNAUTHORIZED', 'Log in first.');
  const url = new URL(`api/v1/uploads?name=${encodeURIComponent(name)}`, withSlash(target.url));
  // A Uint8Array is copied into a Blob: fetch's body types differ across runtimes' typings.
  const body = data instanceof Blob ? data : new Blob([new Uint8Array(data)]);
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const answer = await res.json().catch((): unknown => null);
  if (res.status === 201) return answer as AttachmentView;
  const error = (answer as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  throw new UploadError(
    res.status,
    typeof error?.code === 'string' ? error.code : 'INTERNAL_SERVER_ERROR',
    typeof error?.message === 'string' ? error.message : `The upload failed (HTTP ${res.status}).`,
  );
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
