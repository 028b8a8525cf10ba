import type { IncomingMessage, ServerResponse } from 'node:http';
import { downloadHandler, DOWNLOAD_PATH } from '../files/download-route';
import { EXPORT_PATH, exportHandler } from '../files/export-route';
import { uploadHandler, UPLOAD_PATH } from '../files/upload-route';
import { pathOf } from '../request';
import { serveDocsPage, serveDocsScript } from './api-docs';
import { avatarRoutes, type AvatarRouteOptions } from './avatar-routes';
import { eventStreamHandler, type EventStreamOptions } from './event-stream';
import { openApiDocument } from './openapi';
import { restFailure, sendRestError } from './rest-errors';
import { REST_PREFIX, restHandler } from './rest-handler';

/**
 * Everything under /api/: the REST routes, the event stream, file uploads and downloads, the
 * data export zip, avatar uploads and photos, the OpenAPI document and its page.
 */
export function apiHandler(opts: EventStreamOptions & AvatarRouteOptions & { stagingDir: string }) {
  const rest = restHandler(opts);
  const avatars = avatarRoutes(opts);
  const events = eventStreamHandler(opts);
  const upload = uploadHandler(opts);
  const download = downloadHandler(opts);
  const exportZip = exportHandler(opts);
  const document = JSON.stringify(openApiDocument());
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req) ?? '/';
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/api/openapi.json' && read) return sendDocument(res, document);
    if (path === '/api/docs' && read) return serveDocsPage(res);
    if (path === '/api/docs/standalone.js' && read) return serveDocsScript(res);
    if (path === `${REST_PREFIX}/events` && req.method === 'GET') return void events(req, res);
    if (path === UPLOAD_PATH && req.method === 'POST') return void upload(req, res);
    if (path === EXPORT_PATH && read) return void exportZip(req, res);
    const file = read ? DOWNLOAD_PATH.exec(path) : null;
    if (file?.[1] && (file[2] === 'original' || file[2] === 'preview')) {
      return void download(req, res, file[1], file[2]);
    }
    if (path.startsWith(`${REST_PREFIX}/`)) {
      if (avatars(req, res, path.slice(REST_PREFIX.length))) return;
      return void rest(req, res, path);
    }
    sendRestError(res, restFailure('NOT_FOUND', `No route ${req.method ?? ''} ${path}.`), {
      path: undefined,
      ctx: undefined,
      input: undefined,
      onError: opts.onError,
    });
  };
}

function sendDocument(res: ServerResponse, document: string) {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
  res.end(document);
}
