import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { procedureShape } from '../src/http/rest/procedures';
import { REST_ROUTES } from '../src/http/rest/rest-routes';
import { useTestServer } from './harness';

type Operation = {
  security?: unknown[];
  parameters?: { name: string; in: string }[];
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

describe('OpenAPI document and reference page', () => {
  const t = useTestServer('embedded');
  const served = async () => {
    const res = await fetch(`${t.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return (await res.json()) as Document;
  };

  it('serves a valid OpenAPI 3.1 document', async () => {
    const document = await served();
    expect(document.openapi).toBe('3.1.0');
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('documents every REST route, and every documented operation is served', async () => {
    const document = await served();
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routes = REST_ROUTES.map((r) => `${r.method} /api/v1${r.path}`);
    // Beside the procedures: the event stream, and the routes that carry raw bytes (files, photos).
    const byteRoutes = [
      'GET /api/v1/events',
      'POST /api/v1/uploads',
      'GET /api/v1/attachments/{id}/original',
      'GET /api/v1/attachments/{id}/preview',
      'GET /api/v1/export.zip',
      'PUT /api/v1/me/avatar',
      'PUT /api/v1/groups/{conversationId}/avatar',
      'GET /api/v1/avatars/{key}.webp',
    ];
    expect(documented.sort()).toEqual([...routes, ...byteRoutes].sort());

    // Each operation reaches its procedure: without a token or a body, a protected one answers
    // 401 and a public one refuses the missing input (400; 401 for a refresh with no token) —
    // never 404 or 405.
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const url = t.url + path.replace(/\{\w+\}/g, PLACEHOLDER_ID);
        const res = await fetch(url, { method: method.toUpperCase() });
        const body = (await res.json()) as { error: { code: string } };
        // A photo is public by its key: a made-up key is simply not there.
        if (path.startsWith('/api/v1/avatars/')) {
          expect(res.status, `${method} ${path}`).toBe(404);
          continue;
        }
        const isPublic = Array.isArray(op.security) && op.security.length === 0;
        // A file is 404 to anyone who may not read it, a missing token included: nothing to learn.
        if (path.startsWith('/api/v1/attachments/')) expect(res.status, `${method} ${path}`).toBe(404);
        else if (isPublic) expect([400, 401], `${method} ${path}`).toContain(res.status);
        else expect(res.status, `${method} ${path}`).toBe(401);
        expect(['BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND']).toContain(body.error.code);
      }
    }
  });

  it('maps reads to queries and writes to mutations, each path and method once', () => {
    for (const route of REST_ROUTES) {
      const expected = route.method === 'GET' ? 'query' : 'mutation';
      expect(procedureShape(route.procedure).type, `${route.method} ${route.path}`).toBe(expected);
    }
    const keys = REST_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('serves a reference page that loads a self-hosted renderer under a strict policy', async () => {
    const page = await fetch(`${t.url}/api/docs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const html = await page.text();
    expect(html).toContain('data-url="/api/openapi.json"');
    const script = await fetch(`${t.url}/api/docs/standalone.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    // The web app's pages keep their own, stricter policy.
    expect(html).not.toMatch(/https?:\/\//);
  });
});
