import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { backends, useTestServer } from './harness';

const run = promisify(execFile);
const flow = fileURLToPath(new URL('../../../examples/rest-typescript/flow.ts', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// Inside this package's node_modules, so the flow resolves openapi-fetch as any app would, and
// out of reach of the repository's own lint, format and type checks.
const scratch = fileURLToPath(
  new URL(`../node_modules/.cache/openapi-client-${process.pid}/`, import.meta.url),
);

/** A consumer's strictest settings: the generated types must hold under them. */
const TSCONFIG = {
  compilerOptions: {
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noPropertyAccessFromIndexSignature: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
  files: ['flow.ts', 'pigeon-api.d.ts'],
};

describe.each(backends)('a client generated from the served OpenAPI document (%s)', (backend) => {
  const t = useTestServer(backend);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('compiles under strict settings and performs the whole flow, SSE resume included', async () => {
    const dir = join(scratch, backend);
    mkdirSync(dir, { recursive: true });
    const document = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as Record<string, unknown>;
    writeFileSync(join(dir, 'pigeon-api.d.ts'), astToString(await openapiTS(document as never)));
    copyFileSync(flow, join(dir, 'flow.ts'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));

    // tsc prints its errors on stdout and exits non-zero: show them rather than the exit code.
    const typecheck = await run(process.execPath, [tsc, '-p', dir]).catch((err: unknown) => ({
      stdout: (err as { stdout?: string }).stdout ?? 'tsc failed',
    }));
    expect(typecheck.stdout).toBe('');

    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(dir, 'flow.ts'), t.url], {
      timeout: 90_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      lastEventId: expect.stringMatching(/^\d+$/) as unknown,
      afterReconnect: ['second, sent while away'],
      history: ['first, seen live', 'second, sent while away'],
      refused: 'UNAUTHORIZED',
    });
  }, 120_000);
});
