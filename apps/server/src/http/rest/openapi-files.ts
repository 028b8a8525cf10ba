import { attachmentView, limits } from '@pigeon/schema';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ERROR_REF } },
});

function outputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'output' }) as JsonSchema;
  return rest;
}

/**
 * The file routes, which take and give raw bytes rather than JSON and so are not procedures:
 * `POST /uploads`, `GET /attachments/{id}/original|preview` and `GET /export.zip`.
 */
export function fileOperations(prefix: string): Record<string, Record<string, unknown>> {
  const security = [{ bearer: [] }, { oauth2: [] }];
  const idParameter = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  };
  const download = (variant: 'original' | 'preview') => ({
    get: {
      operationId: variant === 'original' ? 'attachmentsOriginal' : 'attachmentsPreview',
      summary: variant === 'original' ? 'Download an attachment' : 'Download an image attachment’s preview',
      description:
        (variant === 'original'
          ? 'The file as stored (images without their metadata). '
          : 'A WebP of at most 1024 px on the long side; images only. ') +
        'For its uploader until it is sent, then for the members of its conversation. Anyone else, ' +
        'with or without a token, gets 404, as for a file that does not exist. Inline only for types ' +
        'a browser shows safely (raster images, audio, video, PDF, plain text); everything else as ' +
        '`application/octet-stream` with `Content-Disposition: attachment`. One byte range may be ' +
        'asked with `Range: bytes=…` (players seeking, downloads resumed): 206 with `Content-Range`; ' +
        'several ranges, or an `If-Range`, get the whole file.',
      tags: ['Files'],
      security,
      parameters: [
        idParameter,
        {
          name: 'Range',
          in: 'header',
          required: false,
          description: 'One byte range: `bytes=0-1023`, `bytes=1024-` or `bytes=-1024`.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description: 'The bytes',
          content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
        },
        '206': {
          description: 'The asked range of the bytes, with `Content-Range: bytes start-end/size`',
          content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
        },
        '404': errorResponse('No such file, or not yours to read'),
        '416': { description: 'The range is outside the file: `Content-Range: bytes */size`, no body' },
      },
    },
  });
  return {
    [`${prefix}/uploads`]: {
      post: {
        operationId: 'uploadsCreate',
        summary: 'Upload a file to attach to a message',
        description:
          'The raw bytes as the body (any Content-Type; chunked or with Content-Length), the file name ' +
          `as \`?name=\` (at most ${limits.attachmentName.max} characters, no slashes). The type is ` +
          'detected from the bytes; images lose their metadata (EXIF, GPS) and get a preview, their ' +
          'size and a blurhash. Send it with `POST /messages` (`attachmentIds`); an upload never sent ' +
          'is removed after a day (UPLOAD_ORPHAN_TTL_SECONDS).',
        tags: ['Files'],
        security,
        parameters: [
          {
            name: 'name',
            in: 'query',
            required: true,
            schema: { type: 'string', minLength: 1, maxLength: limits.attachmentName.max },
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: {
          '201': {
            description: 'Stored',
            content: { 'application/json': { schema: outputSchema(attachmentView) } },
          },
          '400': errorResponse('Bad or missing name, or an empty file'),
          '401': errorResponse('No valid access token'),
          '413': errorResponse('Larger than UPLOAD_MAX_BYTES, or past your storage quota'),
          '415': errorResponse('An image that cannot be decoded or is too large'),
          '429': errorResponse('Too many uploads (see `Retry-After`)'),
        },
      },
    },
    [`${prefix}/attachments/{id}/original`]: download('original'),
    [`${prefix}/attachments/{id}/preview`]: download('preview'),
    [`${prefix}/export.zip`]: {
      get: {
        operationId: 'exportZip',
        summary: 'Download all your data with your files, as a zip',
        description:
          '`export.json` (exactly what `GET /auth/exportData` answers), `avatar.webp` if you have a ' +
          'photo, and `files/<attachment id>-<name>` for each of your uploads still stored. Streamed; ' +
          'a login session only (an API token gets 403); at most 5 an hour by default ' +
          '(RATE_LIMITS `exports`).',
        tags: ['Files'],
        security,
        responses: {
          '200': {
            description: 'The zip',
            content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
          },
          '401': errorResponse('No valid access token'),
          '403': errorResponse('An API token, not a login session'),
          '429': errorResponse('Too many exports (see `Retry-After`)'),
        },
      },
    },
  };
}
