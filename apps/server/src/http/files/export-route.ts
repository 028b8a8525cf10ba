import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished, pipeline } from 'node:stream/promises';
import { accountArchive, archiveOwner, type AccountArchive, type ApiDeps, type Context } from '@pigeon/api';
import type { FileStore } from '@pigeon/media';
import { TRPCError } from '@trpc/server';
import { ZipFile } from 'yazl';
import type { ProcedureErrorHandler } from '../../procedure-errors';
import { httpRequestContext, type HttpContextConfig } from '../request-context';
import { sendRestError } from '../rest/rest-errors';
import { contentDisposition } from './download-route';

export interface ExportRouteOptions {
  deps: ApiDeps;
  config: HttpContextConfig;
  onError: ProcedureErrorHandler;
}

/** GET /api/v1/export.zip: the data export with the user's files. */
export const EXPORT_PATH = '/api/v1/export.zip';

/**
 * Streams the caller's data export as a zip: `export.json` (what `auth.exportData` answers),
 * `avatar.webp` when they have a photo, and `files/<id>-<name>` for each of their uploads still in
 * the store. One stored file is open at a time and the zip is written as the client reads it, so
 * memory stays flat however much the user uploaded. No token, a bad one or an expired one: 401,
 * as for `auth.exportData` (there is no file here whose existence a 404 would hide), so a client
 * refreshes its token and tries again.
 */
export function exportHandler(opts: ExportRouteOptions) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    let ctx: Context | undefined;
    try {
      ctx = await httpRequestContext(opts.deps, opts.config, req, res);
      if (req.method === 'HEAD') {
        // What a GET would answer, without building the archive or spending an export.
        res.writeHead(200, zipHeaders((await archiveOwner(ctx)).username)).end();
        return;
      }
      const archive = await accountArchive(ctx);
      res.writeHead(200, zipHeaders(archive.username));
      await writeZip(archive, opts.deps.files, res);
    } catch (err) {
      if (res.headersSent) {
        // Half a zip: cut the connection so the client sees a failed download, not a short file.
        // A client that left has already destroyed the response: that is no fault of ours.
        if (!res.destroyed) opts.onError({ error: asTrpcError(err), path: 'export.zip', ctx });
        res.destroy();
        return;
      }
      sendRestError(res, err, { path: 'export.zip', ctx, input: undefined, onError: opts.onError });
    }
  };
}

function zipHeaders(username: string) {
  return {
    'content-type': 'application/zip',
    'content-disposition': contentDisposition('attachment', `pigeon-export-${username}.zip`),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

async function writeZip(archive: AccountArchive, files: FileStore, res: ServerResponse): Promise<void> {
  const zip = new ZipFile();
  // A stored file that fails mid-read (or is not the size the store said) is an 'error' on the
  // zip, not on its output: fail the output, so the pipeline and this response fail with it.
  const output = zip.outputStream;
  zip.on('error', (err: Error) => output.emit('error', err));
  const sent = pipeline(output, res);
  // Awaited below; until then a client that leaves must not be an unhandled rejection.
  sent.catch(() => undefined);
  const mtime = new Date(archive.data.exportedAt);
  zip.addBuffer(Buffer.from(JSON.stringify(archive.data, null, 2)), 'export.json', { mtime });
  if (archive.avatarKey) await addStored(zip, files, archive.avatarKey, 'avatar.webp', mtime, sent);
  for (const file of archive.files) await addStored(zip, files, file.key, file.path, mtime, sent);
  zip.end();
  await sent;
}

/**
 * Adds one stored object (skipped when it is gone) and waits until the zip has read all of it,
 * so the next one is opened only then; if the client leaves first, the object is let go.
 */
async function addStored(
  zip: ZipFile,
  files: FileStore,
  key: string,
  path: string,
  mtime: Date,
  sent: Promise<void>,
): Promise<void> {
  const stored = await files.get(key);
  if (!stored) return;
  // Photos and most uploads are compressed already: store them as they are.
  zip.addReadStream(stored.body, path, { mtime, size: stored.size, compress: false });
  try {
    await Promise.race([finished(stored.body), sent]);
  } catch (err) {
    stored.body.destroy();
    throw err;
  }
}

function asTrpcError(err: unknown): TRPCError {
  return err instanceof TRPCError
    ? err
    : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'The export failed.', cause: err });
}
