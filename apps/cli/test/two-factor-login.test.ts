// `pigeon login` for an account with two-factor on: without a code it says what to give, with a
// recovery code (--code) it logs in, and a used code is refused with the server's sentence.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import { generate } from 'otplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLiveServer } from './live-server';
import { runCli } from './run-cli';

const PASSWORD = 'correct horse battery';

let server: Awaited<ReturnType<typeof startLiveServer>>;
let client: PigeonClient;
let home: string;

beforeAll(async () => {
  server = await startLiveServer();
  client = createPigeonClient({ url: server.url, retryDelayMs: () => 200 });
  home = mkdtempSync(join(tmpdir(), 'pigeon-cli-home-'));
});
afterAll(async () => {
  await client.$close();
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

it('asks for a second factor, logs in with a recovery code, and refuses it the second time', async () => {
  const username = `cli2fa_${randomBytes(4).toString('hex')}`;
  await client.auth.register.mutate({ username, email: `${username}@example.com`, password: PASSWORD });
  const { secret } = await client.auth.startTwoFactor.mutate({ password: PASSWORD });
  const { recoveryCodes } = await client.auth.confirmTwoFactor.mutate({ code: await generate({ secret }) });
  const [code] = recoveryCodes;

  const login = (extra: string[]) =>
    runCli(['login', server.url, username, '--password-stdin', ...extra], home, `${PASSWORD}\n`);
  const noCode = await login([]);
  expect(noCode.code).not.toBe(0);
  expect(noCode.stderr).toMatch(/two-factor authentication on: give --code/);

  expect(await login(['--code', code ?? ''])).toMatchObject({ code: 0 });
  expect((await runCli(['friends'], home)).code).toBe(0);

  const again = await login(['--code', code ?? '']);
  expect(again.code).not.toBe(0);
  expect(again.stderr).toMatch(/not right, or was already used/);
});
