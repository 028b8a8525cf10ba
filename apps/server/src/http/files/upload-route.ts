import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  forgetUpload,
  quotaExceeded,
  recordUpload,
  usedBytes,
  uploadKeys,
  type ApiDeps,
  type Context,
} from '@pigeon/api';
import { stageUpload, UploadTooLargeError } from '@pigeon/media';
import { attachmentName, type AttachmentView } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import type { ProcedureErrorHandler } from '../../procedure-errors';
import { httpRequestContext, type HttpContextConfig } from '../request-context';
import { sendJson } from '../respond';
import { sendRestError } from '../rest/rest-errors';
import { processUpload, type UploadBytes } from './upload-processing';
import { requireViewer } from './viewer-of-request';

export interface UploadRouteOptions {
  deps: ApiDeps;
  config: HttpContextConfig;
  onError: ProcedureErrorHandler;
  /** Where uploads are staged while they stream in (emptied at start). */
  stagingDir: string;
}

/** The path of the upload route, under the REST prefix. */
export const UPLOAD_PATH = '/api/v1/uploads';

/**
 * POST /api/v1/uploads?name=…: the raw bytes of one file as the body. Streams to a staged file
 * (refused with 413 as soon as it passes UPLOAD_MAX_BYTES), detects the type from the bytes,
 * strips image metadata and makes a preview, records it against the quota, then stores the
 * bytes. Answers 201 with the attachment, which `messages.send` then takes by id.
 */
export function uploadHandler(opts: UploadRouteOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let ctx: Context | undefined;
    try {
      ctx = await httpRequestContext(opts.deps, opts.config, req, res);
      const viewer = requireViewer(ctx, true);
      const name = nameOf(req);
      const { maxBytes, quotaBytes } = opts.deps.uploads;
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > maxBytes) throw tooLarge(maxBytes);
      await ctx.rateLimits.consume('uploads', viewer.userId);
      // A declared size that cannot fit is refused before a byte is read (checked again, under a
      // lock, when the upload is recorded).
      if (declared > 0 && (await usedBytes(opts.deps.db, viewer.userId)) + declared > quotaBytes) {
        throw quotaExceeded(quotaBytes);
      }
      const view = await storeUpload(opts, viewer.userId, name, req, { maxBytes, quotaBytes });
      sendJson(res, 201, view);
    } catch (err) {
      // Whatever of the body is still unread is not worth reading: answer, then hang up.
      if (!req.complete) res.setHeader('connection', 'close');
      sendRestError(res, err, { path: 'uploads', ctx, input: undefined, onError: opts.onError });
      if (!req.complete) res.once('finish', () => req.destroy());
    }
  };
}

function nameOf(req: IncomingMessage): string {
  const given = new URL(req.url ?? '/', 'http://localhost').searchParams.get('name');
  const parsed = attachmentName.safeParse(given ?? '');
  if (!parsed.success) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: parsed.error.issues[0]?.message ?? 'Give the file name as ?name=.',
    });
  }
  return parsed.data;
}

function tooLarge(maxBytes: number): TRPCError {
  return new TRPCError({
    code: 'PAYLOAD_TOO_LARGE',
    message: `A file can be at most ${Math.floor(maxBytes / 1024 / 1024) || maxBytes / 1024} ${maxBytes >= 1024 * 1024 ? 'MiB' : 'KiB'}.`,
  });
}

async function storeUpload(
  opts: UploadRouteOptions,
  uploaderId: string,
  name: string,
  body: IncomingMessage,
  limits: { maxBytes: number; quotaBytes: number },
): Promise<AttachmentView> {
  const { db, files } = opts.deps;
  const staged = await stageUpload(body, { maxBytes: limits.maxBytes, dir: opts.stagingDir }).catch(
    (err: unknown) => {
      throw err instanceof UploadTooLargeError ? tooLarge(limits.maxBytes) : err;
    },
  );
  try {
    if (staged.size === 0) throw new TRPCError({ code: 'BAD_REQUEST', message: 'The file is empty.' });
    const processed = await processUpload(staged);
    const id = randomUUID();
    const keys = uploadKeys(uploaderId, id);
    // The row first: a crash before the bytes are stored leaves an orphan for the sweep.
    const view = await recordUpload(
      db,
      {
        id,
        uploaderId,
        name,
        size: processed.original.size,
        contentType: processed.contentType,
        kind: processed.kind,
        width: processed.width,
        height: processed.height,
        blurhash: processed.blurhash,
        originalKey: keys.original,
        previewKey: processed.preview ? keys.preview : null,
      },
      limits.quotaBytes,
    );
    try {
      await files.put(keys.original, bodyOf(processed.original), {
        contentType: processed.contentType,
        size: processed.original.size,
      });
      if (processed.preview) {
        await files.put(keys.preview, bodyOf(processed.preview), {
          contentType: processed.preview.contentType,
          size: processed.preview.size,
        });
      }
    } catch (err) {
      // Not stored after all: the row goes, and whatever bytes made it are queued for the sweep.
      await forgetUpload(db, id);
      throw err;
    }
    return view;
  } finally {
    await staged.discard();
  }
}

function bodyOf(bytes: UploadBytes): Buffer | ReadStream {
  return 'data' in bytes ? bytes.data : createReadStream(bytes.path);
}
