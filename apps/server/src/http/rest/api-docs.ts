import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';

/**
 * Scalar's renderer, served from this server (no CDN: self-hosted instances may be offline). The
 * built server has it beside its bundle (build.ts copies it there); run from source, it is found
 * beside the package's main module (which exports no subpath for the browser build).
 */
function standalonePath(): string {
  const bundled = fileURLToPath(new URL('./api-docs/standalone.js', import.meta.url));
  if (existsSync(bundled)) return bundled;
  const main = createRequire(import.meta.url).resolve('@scalar/api-reference');
  return join(dirname(main), 'browser/standalone.js');
}

/**
 * The reference page. Scalar injects its stylesheet and sets style attributes, so this page alone
 * allows inline styles; scripts stay same-origin only. Off: default fonts (a CDN), and Scalar's
 * hosted extras (its developer tools and AI agent), which need its services.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Pigeon API reference</title>
  </head>
  <body>
    <script id="api-reference" data-url="/api/openapi.json" data-configuration='{"withDefaultFonts":false,"hideClientButton":true,"showDeveloperTools":"never","agent":{"disabled":true}}'></script>
    <script src="/api/docs/standalone.js"></script>
  </body>
</html>
`;

export function serveDocsPage(res: ServerResponse) {
  res.writeHead(200, PAGE_HEADERS);
  res.end(PAGE);
}

let script: Promise<Buffer> | undefined;

export function serveDocsScript(res: ServerResponse) {
  script ??= Promise.resolve().then(() => readFile(standalonePath()));
  void script.then(
    (body) => {
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
      res.end(body);
    },
    () => {
      script = undefined;
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('The API reference renderer is not installed.');
    },
  );
}
