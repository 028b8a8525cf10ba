import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  avatarObjectKey,
  isAvatarKey,
  uploadAvatar,
  type ApiDeps,
  type AvatarTarget,
  type Context,
} from '@pigeon/api';
import {
  ImageRejectedError,
  inspectFile,
  prepareAvatar,
  stageUpload,
  UploadTooLargeError,
  type StagedUpload,
} from '@pigeon/media';
import { avatarCrop, conversationId, type AvatarCrop } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import type { ProcedureErrorHandler } from '../../procedure-errors';
import { httpRequestContext, type HttpContextConfig } from '../request-context';
import { sendJson } from '../respond';
import { restFailure, sendRestError } from './rest-errors';

export const DEFAULT_AVATAR_MAX_BYTES = 5 * 1024 * 1024;

export interface AvatarRouteOptions {
  deps: ApiDeps;
  config: HttpContextConfig & { avatarMaxBytes?: number | undefined };
  onError: ProcedureErrorHandler;
}

/**
 * The avatar routes under /api/v1 that are not JSON calls: uploads take the raw image as the
 * body (`PUT /me/avatar`, `PUT /groups/{id}/avatar`), and photos are served by their key
 * (`GET /avatars/{key}.webp`). Removing a photo is an ordinary REST route (rest-routes.ts).
 * Answers true when `local` (the path under /api/v1) was one of them.
 */
export function avatarRoutes(opts: AvatarRouteOptions) {
  const maxBytes = opts.config.avatarMaxBytes ?? DEFAULT_AVATAR_MAX_BYTES;
  const stagingDir = join(tmpdir(), 'pigeon-avatar-uploads');
  return (req: IncomingMessage, res: ServerResponse, local: string): boolean => {
    const served = /^\/avatars\/([^/]+)\.webp$/.exec(local);
    if (served && (req.method === 'GET' || req.method === 'HEAD')) {
      void serveAvatar(opts, req, res, served[1] ?? '');
      return true;
    }
    if (req.method !== 'PUT') return false;
    if (/^\/me\/avatar\/?$/.test(local)) {
      void receiveUpload(opts, req, res, { kind: 'user' }, maxBytes, stagingDir);
      return true;
    }
    const group = /^\/groups\/([^/]+)\/avatar\/?$/.exec(local);
    if (group) {
      const id = conversationId.safeParse(group[1]);
      const target: AvatarTarget | null = id.success ? { kind: 'group', conversationId: id.data } : null;
      void receiveUpload(opts, req, res, target, maxBytes, stagingDir);
      return true;
    }
    return false;
  };
}

async function receiveUpload(
  opts: AvatarRouteOptions,
  req: IncomingMessage,
  res: ServerResponse,
  target: AvatarTarget | null,
  maxBytes: number,
  stagingDir: string,
): Promise<void> {
  let ctx: Context | undefined;
  // How the upload is named in logs and metrics (it is not a tRPC procedure).
  const path = target?.kind === 'group' ? 'avatars.uploadForGroup' : 'avatars.upload';
  try {
    if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such conversation.' });
    const crop = cropOf(req);
    ctx = await httpRequestContext(opts.deps, opts.config, req, res);
    const result = await uploadAvatar(ctx, target, async () => {
      // Refused before a byte is read when the client says it is too big.
      if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge(maxBytes);
      const staged = await stageUpload(req, { maxBytes, dir: stagingDir }).catch((error: unknown) => {
        throw error instanceof UploadTooLargeError ? tooLarge(maxBytes) : error;
      });
      return withStaged(staged, async () => {
        if (staged.size === 0) throw unsupported('The body is empty: send the image itself.');
        // What the bytes are, whatever the client called them: only raster images are 'image'
        // (SVG, a document that can hold script, never is).
        const { kind } = await inspectFile(staged.path);
        if (kind !== 'image') {
          throw unsupported('Send a photo: a JPEG, PNG, WebP, GIF or AVIF image.');
        }
        return prepareAvatar(staged.path, crop).catch((error: unknown): never => {
          if (error instanceof ImageRejectedError) {
            throw new TRPCError({
              code: 'BAD_REQUEST',
              message: `This photo cannot be used: ${error.message}.`,
              cause: error,
            });
          }
          throw error;
        });
      });
    });
    sendJson(res, 200, result);
  } catch (error) {
    // The client may still be sending a body nobody will read: say so, then let it go.
    if (!req.complete) res.setHeader('connection', 'close');
    sendRestError(res, error, { path, ctx, input: undefined, onError: opts.onError });
  }
}

async function withStaged<T>(staged: StagedUpload, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await staged.discard();
  }
}

/** `?x=&y=&size=`: all three or none (then the server keeps the largest centred square). */
function cropOf(req: IncomingMessage): AvatarCrop | undefined {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const given = ['x', 'y', 'size'].filter((name) => query.has(name));
  if (given.length === 0) return undefined;
  const parsed = avatarCrop.safeParse({ x: query.get('x'), y: query.get('y'), size: query.get('size') });
  if (given.length < 3 || !parsed.success) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: parsed.success
        ? 'A crop needs x, y and size together.'
        : parsed.error.issues.map((i) => i.message).join(' '),
    });
  }
  return parsed.data;
}

function tooLarge(maxBytes: number) {
  const limit =
    maxBytes >= 1024 * 1024
      ? `${+(maxBytes / (1024 * 1024)).toFixed(1)} MiB`
      : `${Math.floor(maxBytes / 1024)} KiB`;
  return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `A photo may be at most ${limit}.` });
}

function unsupported(message: string) {
  return new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message });
}

/**
 * A photo by its key. The key (128 random bits, new on every change) is the capability, as on
 * other chat products' CDNs: no login is asked, so `<img>` works anywhere; see docs/security.md.
 * Bytes we made (always a WebP), cached for good, and never run as a document.
 */
async function serveAvatar(
  opts: AvatarRouteOptions,
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
): Promise<void> {
  try {
    const file = isAvatarKey(key) ? await opts.deps.files.get(avatarObjectKey(key)) : null;
    if (!file) throw restFailure('NOT_FOUND', 'No such photo.');
    res.writeHead(200, {
      'content-type': 'image/webp',
      'content-length': String(file.size),
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
    });
    if (req.method === 'HEAD') {
      file.body.destroy();
      res.end();
      return;
    }
    await pipeline(file.body, res);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendRestError(res, error, { path: undefined, ctx: undefined, input: undefined, onError: opts.onError });
  }
}
