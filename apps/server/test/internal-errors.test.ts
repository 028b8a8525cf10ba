// A fault inside the server must reach the client as a fixed sentence and a request id, over HTTP
// and over the WebSocket; the detail (here the failed SQL with its parameters) stays in the log.
// The fault is real: a trigger in the real database refuses one update, as a failing query would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { internalErrorMessage } from '@pigeon/api';
import { createDb } from '@pigeon/db';
import { pino } from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, befriend, newClientId, startTestServer, type Backend, type TestServer } from './harness';

const FAULTY_BODY = 'this edit meets the trigger';
const FAULT_DETAIL = 'pigeon-internal-detail-7f3a';
const FAULT_SQL = [
  `create function pigeon_test_fault() returns trigger language plpgsql as $$
   begin raise exception '${FAULT_DETAIL}'; end $$`,
  `create trigger pigeon_test_fault before update on messages
   for each row when (new.body = '${FAULTY_BODY}') execute function pigeon_test_fault()`,
];

/** What no answer to a client may contain: the SQL, its parameters, the database's own words. */
const INTERNALS = [
  FAULT_DETAIL,
  'Failed query',
  'update "messages"',
  FAULTY_BODY,
  'params',
  'plpgsql',
  '    at ',
];

/** Starts a server whose database has the faulty trigger (PGlite is in-process: install it between two runs). */
async function serverWithFault(backend: Backend, log: pino.Logger) {
  if (backend === 'cluster') {
    const t = await startTestServer(backend, {}, log);
    const handle = createDb({ databaseUrl: t.config.database.url });
    for (const statement of FAULT_SQL) await handle.db.execute(statement);
    await handle.close();
    return { t, cleanup: () => t.close() };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'pigeon-fault-'));
  const database = { url: undefined, dataDir, poolSize: 5 };
  await (await startTestServer(backend, { database })).close(); // creates and migrates the database
  const handle = createDb({ dataDir });
  for (const statement of FAULT_SQL) await handle.db.execute(statement);
  await handle.close();
  const t = await startTestServer(backend, { database }, log);
  return {
    t,
    cleanup: async () => {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function expectNoInternals(text: string) {
  for (const secret of INTERNALS) expect(text, `leaks ${JSON.stringify(secret)}`).not.toContain(secret);
}

describe.each(backends)('faults inside the server (%s)', (backend) => {
  const logLines: string[] = [];
  const log = pino({ level: 'error' }, { write: (line: string) => void logLines.push(line) });
  let t: TestServer;
  let cleanup: (() => Promise<void>) | undefined;
  let token: string;
  let messageId: number;

  beforeAll(async () => {
    ({ t, cleanup } = await serverWithFault(backend, log));
    const a = await t.user('fault_a');
    const b = await t.user('fault_b');
    const conversationId = await befriend(a, b);
    messageId = (
      await a.client.messages.send.mutate({ conversationId, body: 'fine', clientId: newClientId() })
    ).id;
    token = a.client.$session.get()?.accessToken ?? '';
  }, 120_000);
  afterAll(() => cleanup?.());

  it('answers HTTP with INTERNAL_SERVER_ERROR, a fixed sentence and the request id; the log has the SQL', async () => {
    const requestId = `http-fault-${backend}`;
    const res = await fetch(`${t.url}/trpc/messages.edit`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-request-id': requestId,
      },
      body: JSON.stringify({ messageId, body: FAULTY_BODY }),
    });
    const text = await res.text();
    expect(res.status).toBe(500);
    expectNoInternals(text);
    const body = JSON.parse(text) as { error: { message: string; data: Record<string, unknown> } };
    expect(body.error.message).toBe(internalErrorMessage(requestId));
    expect(body.error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId, zodError: null });
    expect(body.error.data.stack).toBeUndefined();

    const logged = logLines.find((line) => line.includes(requestId)) ?? '';
    expect(logged).toContain(FAULT_DETAIL);
    expect(logged).toContain('Failed query');
  });

  it('answers the same over the WebSocket, and keeps the socket open', async () => {
    const requestId = `ws-fault-${backend}`;
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/trpc?connectionParams=1`, {
      headers: { 'x-request-id': requestId },
    });
    const replies: string[] = [];
    ws.on('message', (data: Buffer) => replies.push(data.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
    ws.send(
      JSON.stringify({
        id: 1,
        method: 'mutation',
        params: { path: 'messages.edit', input: { messageId, body: FAULTY_BODY } },
      }),
    );
    const deadline = Date.now() + 20_000;
    while (!replies.some((r) => r.includes('"id":1')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const reply = replies.find((r) => r.includes('"id":1')) ?? '';
    expectNoInternals(reply);
    const parsed = JSON.parse(reply) as { error: { message: string; data: Record<string, unknown> } };
    expect(parsed.error.message).toBe(internalErrorMessage(requestId));
    expect(parsed.error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    expect(logLines.find((line) => line.includes(requestId)) ?? '').toContain(FAULT_DETAIL);
  });

  it('still answers a caller’s mistakes with their own readable message', async () => {
    const res = await fetch(`${t.url}/trpc/messages.edit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messageId, body: '' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'A message cannot be empty.',
    );
  });
});
