import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { backends, useTestServer } from './harness';

const script = fileURLToPath(new URL('../../../examples/rest-python/pigeon_rest.py', import.meta.url));

describe.each(backends)('a Python client on the standard library alone (%s)', (backend) => {
  const t = useTestServer(backend);

  it('registers, befriends, sends, reads history and resumes the event stream after a reconnect', async () => {
    const { stdout } = await promisify(execFile)('python3', [script, t.url], { timeout: 90_000 });
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toEqual({
      ok: true,
      live: 'first, seen live',
      lastEventId: expect.stringMatching(/^\d+$/) as unknown,
      afterReconnect: ['second, sent while away'],
      history: ['first, seen live', 'second, sent while away'],
    });
  }, 120_000);
});
