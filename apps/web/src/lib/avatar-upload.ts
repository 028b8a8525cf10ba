import type { PigeonClient } from '@pigeon/client';
import type { AvatarCrop } from '@pigeon/schema';

/** Where a photo goes: the caller's own, or a group's (its owner only). */
export type AvatarOwner = { kind: 'me' } | { kind: 'group'; conversationId: string };

/**
 * Sends a photo as the raw file (no JSON, no base64) to the upload route, with the square to
 * keep; the server decodes, crops and resizes it. Answers the server's view of the account or
 * group; failures throw an Error whose message is the server's own sentence.
 */
export async function uploadAvatar(
  client: PigeonClient,
  owner: AvatarOwner,
  image: Blob,
  crop: AvatarCrop,
): Promise<unknown> {
  const token = await client.$session.accessToken();
  if (!token) throw new Error('You were logged out: log in again, then choose the photo again.');
  const path =
    owner.kind === 'me' ? '/me/avatar' : `/groups/${encodeURIComponent(owner.conversationId)}/avatar`;
  const query = new URLSearchParams({ x: String(crop.x), y: String(crop.y), size: String(crop.size) });
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}?${query.toString()}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': image.type || 'application/octet-stream' },
      body: image,
    });
  } catch {
    throw new Error('The photo could not be sent: check your connection and try again.');
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new Error(typeof message === 'string' ? message : `The photo was not saved (error ${res.status}).`);
  }
  return body;
}
