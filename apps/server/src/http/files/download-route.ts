import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { readableAttachment, type ApiDeps, type Context } from '@pigeon/api';
import { isInlineSafe, type ByteRange } from '@pigeon/media';
import { attachmentId } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import parseRange from 'range-parser';
import type { ProcedureErrorHandler } from '../../procedure-errors';
import { httpRequestContext, type HttpContextConfig } from '../request-context';
import { sendRestError } from '../rest/rest-errors';

export interface DownloadRouteOptions {
  deps: ApiDeps;
  config: HttpContextConfig;
  onError: ProcedureErrorHandler;
}

/** GET /api/v1/attachments/{id}/original and /preview. */
export const DOWNLOAD_PATH = /^\/api\/v1\/attachments\/([^/]+)\/(original|preview)\/?$/;

/** How long a browser may keep a file it was allowed to read (it is never shared: private). */
const CACHE_SECONDS = 3600;

const notFound = () => new TRPCError({ code: 'NOT_FOUND', message: 'No such file.' });

/**
 * Serves an attachment's bytes to whoever may read it (see `readableAttachment`); anyone else,
 * with or without a token, gets the same 404. Never as something a browser would run from
 * Pigeon's origin: unsafe types go as application/octet-stream attachments, and every answer is
 * sandboxed by its CSP and marked nosniff.
 */
export function downloadHandler(opts: DownloadRouteOptions) {
  return async (req: IncomingMessage, res: ServerResponse, id: string, variant: 'original' | 'preview') => {
    let ctx: Context | undefined;
    try {
      ctx = await httpRequestContext(opts.deps, opts.config, req, res);
      const viewer = ctx.viewer;
      if (!viewer || viewer.expiresAt <= Date.now() || !attachmentId.safeParse(id).success) throw notFound();
      const row = await readableAttachment(opts.deps.db, viewer.userId, id);
      const key = variant === 'original' ? row?.originalKey : row?.previewKey;
      if (!row || !key) throw notFound();
      // A Range (players seeking, downloads resumed) needs the size first. The answers carry no
      // validator (ETag, Last-Modified), so an If-Range can never match: the whole file then.
      let range: ByteRange | undefined;
      if (req.headers.range !== undefined && req.headers['if-range'] === undefined) {
        const size = await opts.deps.files.size(key);
        if (size === null) throw notFound();
        const asked = requestedRange(req.headers.range, size);
        if (asked === 'unsatisfiable') {
          res.writeHead(416, { 'content-range': `bytes */${size}`, 'x-content-type-options': 'nosniff' });
          res.end();
          return;
        }
        range = asked ?? undefined;
      }
      const stored = await opts.deps.files.get(key, range);
      if (!stored) throw notFound();
      const contentType = variant === 'preview' ? stored.contentType : row.contentType;
      const inline = isInlineSafe(contentType);
      res.writeHead(range ? 206 : 200, {
        'content-type': inline ? contentType : 'application/octet-stream',
        'content-length': String(range ? range.end - range.start + 1 : stored.size),
        ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${stored.size}` } : {}),
        'accept-ranges': 'bytes',
        'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', row.name),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
        'cache-control': `private, max-age=${CACHE_SECONDS}`,
        'cross-origin-resource-policy': 'same-origin',
      });
      if (req.method === 'HEAD') {
        stored.body.destroy();
        res.end();
        return;
      }
      await pipeline(stored.body, res).catch((err: unknown) => {
        // The reader went away mid-file: nothing to answer, nothing broken.
        if (!res.writableEnded) res.destroy(err instanceof Error ? err : undefined);
      });
    } catch (err) {
      sendRestError(res, err, { path: 'attachments', ctx, input: undefined, onError: opts.onError });
    }
  };
}

/**
 * RFC 6266: a plain ASCII `filename` for old clients (anything else replaced), and the real
 * name as UTF-8 in `filename*` (RFC 8187 percent-encoding).
 */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The one range a `Range: bytes=…` header asks for within `size`, 'unsatisfiable' (416), or null
 * for the whole file: no range, several (rare from players; the whole file is a valid answer to
 * them), or a unit other than bytes.
 */
export function requestedRange(header: string, size: number): ByteRange | 'unsatisfiable' | null {
  const parsed = parseRange(size, header, { combine: true });
  if (parsed === -1) return 'unsatisfiable';
  if (parsed === -2 || parsed.type !== 'bytes' || parsed.length !== 1) return null;
  const [only] = parsed;
  return only ? { start: only.start, end: only.end } : null;
}
