import type { IncomingMessage } from 'node:http';
import { TRPCError } from '@trpc/server';
import { MAX_BODY_BYTES } from '../request-context';

export type BodyKind = 'json' | 'form';

/**
 * The body of a REST request as a value: JSON (any charset parameter), or a urlencoded form
 * where the route takes one. Read at most MAX_BODY_BYTES; anything else is a typed error.
 */
export async function readBody(req: IncomingMessage, accepts: readonly BodyKind[]): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await readText(req);
  if (text.length === 0) return undefined;
  const kind = bodyKind(req.headers['content-type']);
  if (kind === null || !accepts.includes(kind)) {
    throw new TRPCError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `Send the body as ${accepts.map((k) => (k === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')).join(' or ')}.`,
    });
  }
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TRPCError({ code: 'PARSE_ERROR', message: 'The body is not valid JSON.' });
  }
}

function bodyKind(contentType: string | undefined): BodyKind | null {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return null;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge() {
  return new TRPCError({
    code: 'PAYLOAD_TOO_LARGE',
    message: `The body must be at most ${MAX_BODY_BYTES / 1024} KiB.`,
  });
}
