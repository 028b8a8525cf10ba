// `messages.send` over the WebSocket is answered by the send lane (src/ws/send-lane.ts), not by
// tRPC's call machinery; over HTTP it is still tRPC's procedure. Both must give one answer.
import { DEFAULT_UPLOAD_LIMITS } from '@pigeon/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeApiToken } from './api-token-clients';
import { backends, befriend, newClientId, startTestServer, UNLIMITED, type TestServer } from './harness';

interface Answer {
  id: number;
  result?: { type: string; data?: unknown };
  error?: { message: string; code: number; data: Record<string, unknown> };
}

/** A socket that speaks tRPC's frames by hand: one frame may hold several calls. */
async function rawSocket(url: string, token: string | null) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/trpc?connectionParams=1`);
  const answers = new Map<number, (answer: Answer) => void>();
  ws.on('message', (raw: Buffer) => {
    const text = raw.toString();
    if (text === 'PING' || text === 'PONG') return;
    const answer = JSON.parse(text) as Answer;
    answers.get(answer.id)?.(answer);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ method: 'connectionParams', data: token ? { token } : null }));
  let nextId = 1;
  const call = (method: 'query' | 'mutation', path: string, input: unknown) => {
    const id = nextId++;
    const answered = new Promise<Answer>((resolve) => answers.set(id, resolve));
    return { frame: { id, method, params: { path, input } }, answered };
  };
  const parseErrors: Answer[] = [];
  ws.on('message', (raw: Buffer) => {
    const text = raw.toString();
    if (text.startsWith('{"id":null')) parseErrors.push(JSON.parse(text) as Answer);
  });
  const socket = {
    /** Sends the calls in one frame (an array when more than one) and waits for every answer. */
    async send(...calls: ReturnType<typeof call>[]) {
      ws.send(JSON.stringify(calls.length === 1 ? calls[0]?.frame : calls.map((c) => c.frame)));
      return Promise.all(calls.map((c) => c.answered));
    },
    /** Sends a frame as it is. */
    sendRaw: (text: string) => ws.send(text),
    /** tRPC's answers to frames it could not read (id null). */
    parseErrors,
    call,
    close: () => ws.close(),
  };
  // The lane takes sends only once the connection has its context; one answer says it has.
  await socket.send(call('query', 'auth.me', undefined));
  return socket;
}

/** How many sends the instance's send lane has taken (its Prometheus counter). */
async function laneSends(url: string) {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(/^pigeon_websocket_lane_sends_total (\S+)$/m.exec(metrics)?.[1]);
}

/** The same call over HTTP, through tRPC's own procedure. */
async function overHttp(url: string, token: string | null, input: unknown) {
  const response = await fetch(`${url}/trpc/messages.send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  return (await response.json()) as { error?: Answer['error']; result?: { data: unknown } };
}

/** An error without what belongs to one request (its id) rather than to the answer. */
function comparable(error: Answer['error']) {
  expect(error).toBeDefined();
  const { requestId, ...data } = error?.data ?? {};
  expect(requestId === null || typeof requestId === 'string').toBe(true);
  return { ...error, data };
}

describe.each(backends)('the WebSocket send lane (%s)', (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, {
      uploads: { ...DEFAULT_UPLOAD_LIMITS, maxPerMessage: 1 },
      rateLimits: { ...UNLIMITED, messages: { points: 12, durationSeconds: 60 } },
    });
  });
  afterAll(() => t.close());

  it('answers every refusal as the procedure over HTTP does, and changes nothing', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    const conversationId = await befriend(a, b);
    const token = a.client.$session.get()?.accessToken ?? null;
    const socket = await rawSocket(t.url, token);
    const taken = await laneSends(t.url);
    const refusals: unknown[] = [
      { conversationId, body: '', clientId: newClientId() }, // schema: empty text
      { conversationId, body: 'x', clientId: 'not-a-uuid' }, // schema: bad id
      'not an object',
      null,
      { conversationId: crypto.randomUUID(), body: 'nowhere', clientId: newClientId() }, // no such conversation
      // Within the schema's cap, over this server's.
      {
        conversationId,
        body: 'x',
        clientId: newClientId(),
        attachmentIds: [crypto.randomUUID(), crypto.randomUUID()],
      },
    ];
    const codes: unknown[] = [];
    for (const input of refusals) {
      const [viaSocket] = await socket.send(socket.call('mutation', 'messages.send', input));
      const viaHttp = await overHttp(t.url, token, input);
      expect(comparable(viaSocket?.error)).toEqual(comparable(viaHttp.error));
      codes.push(viaSocket?.error?.data.code);
    }
    expect(codes).toEqual([
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'NOT_FOUND',
      'BAD_REQUEST',
    ]);

    // Each refusal above, sent both ways, spent one unit of the budget of 12 (the procedure
    // spends it before the input is read): the budget is spent, and both ways say so, with when.
    const input = { conversationId, body: 'one too many', clientId: newClientId() };
    const [limited] = await socket.send(socket.call('mutation', 'messages.send', input));
    expect(limited?.error?.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', path: 'messages.send' });
    expect(limited?.error?.data.retryAfterSeconds).toBeGreaterThan(0);
    expect((await overHttp(t.url, token, input)).error?.data).toMatchObject({ code: 'TOO_MANY_REQUESTS' });

    const history = await b.client.messages.history.query({ conversationId, limit: 10 });
    expect(history.messages).toEqual([]);
    // Every socket call above was the lane's, not tRPC's.
    expect(await laneSends(t.url)).toBe(taken + refusals.length + 1);
    socket.close();
  });

  it('sends, and answers the other calls of a frame through tRPC, each under its own id', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    const conversationId = await befriend(a, b);
    const socket = await rawSocket(t.url, a.client.$session.get()?.accessToken ?? null);
    const taken = await laneSends(t.url);
    const first = socket.call('mutation', 'messages.send', {
      conversationId,
      body: 'one',
      clientId: newClientId(),
    });
    const me = socket.call('query', 'auth.me', undefined);
    const bad = socket.call('mutation', 'messages.send', {
      conversationId,
      body: '',
      clientId: newClientId(),
    });
    const second = socket.call('mutation', 'messages.send', {
      conversationId,
      body: 'two',
      clientId: newClientId(),
    });
    const [one, who, refused, two] = await socket.send(first, me, bad, second);
    expect(one?.result).toMatchObject({
      type: 'data',
      data: { body: 'one', conversationId, senderId: a.id },
    });
    expect(who?.result).toMatchObject({ type: 'data', data: { id: a.id } });
    expect(refused?.error?.data.code).toBe('BAD_REQUEST');
    expect(two?.result).toMatchObject({ type: 'data', data: { body: 'two' } });

    // The same clientId again is the same message, not a second one.
    const again = socket.call('mutation', 'messages.send', first.frame.params.input);
    const [repeat] = await socket.send(again);
    expect(repeat?.result?.data).toEqual(one?.result?.data);
    const history = await b.client.messages.history.query({ conversationId, limit: 10 });
    expect(history.messages.map((m) => m.body)).toEqual(['two', 'one']);
    expect(await laneSends(t.url)).toBe(taken + 4);
    socket.close();
  });

  it('leaves to tRPC the frames tRPC would refuse or read otherwise, and survives any frame', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    const conversationId = await befriend(a, b);
    const socket = await rawSocket(t.url, a.client.$session.get()?.accessToken ?? null);
    const taken = await laneSends(t.url);
    const send = (body: string) =>
      socket.call('mutation', 'messages.send', { conversationId, body, clientId: newClientId() });
    const refusedFrames = async (frame: string) => {
      const before = socket.parseErrors.length;
      socket.sendRaw(frame);
      await expect.poll(() => socket.parseErrors.length).toBe(before + 1);
      expect(socket.parseErrors.at(-1)?.error?.data.code).toBe('PARSE_ERROR');
    };
    // Not JSON-RPC 2.0: tRPC refuses the frame and runs nothing.
    await refusedFrames(JSON.stringify({ ...send('wrong jsonrpc').frame, jsonrpc: '1.0' }));
    // One malformed call refuses the whole frame, the send in it included.
    await refusedFrames(JSON.stringify([send('beside a bad call').frame, { id: 99, method: 'nope' }]));
    // A lastEventId is merged into the input by tRPC: its procedure answers (the key is dropped).
    const withEventId = send('with a lastEventId');
    socket.sendRaw(
      JSON.stringify({ ...withEventId.frame, params: { ...withEventId.frame.params, lastEventId: '5' } }),
    );
    expect((await withEventId.answered).result?.type).toBe('data');
    // A frame whose other call nests too deep to be written again: tRPC gets it whole and answers
    // both calls; nothing is thrown inside the socket's receiver.
    const deep = send('beside a deep call');
    const me = socket.call('query', 'auth.me', undefined);
    const nested = '['.repeat(100_000) + ']'.repeat(100_000);
    socket.sendRaw(
      `[${JSON.stringify(deep.frame)},${JSON.stringify(me.frame).replace('"params":{', `"params":{"input":${nested},`)}]`,
    );
    expect((await deep.answered).result?.type).toBe('data');
    expect((await me.answered).result).toMatchObject({ data: { id: a.id } });

    // The lane took none of these, and still takes the next send.
    expect(await laneSends(t.url)).toBe(taken);
    const [last] = await socket.send(send('still here'));
    expect(last?.result?.type).toBe('data');
    expect(await laneSends(t.url)).toBe(taken + 1);
    const history = await b.client.messages.history.query({ conversationId, limit: 10 });
    expect(history.messages.map((m) => m.body)).toEqual([
      'still here',
      'beside a deep call',
      'with a lastEventId',
    ]);
    socket.close();
  });

  it('refuses a socket without a login, and a read-only API token, as HTTP does', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    const conversationId = await befriend(a, b);
    const input = { conversationId, body: 'hello', clientId: newClientId() };

    const taken = await laneSends(t.url);
    const anonymous = await rawSocket(t.url, null);
    const [unauthorized] = await anonymous.send(anonymous.call('mutation', 'messages.send', input));
    expect(comparable(unauthorized?.error)).toEqual(comparable((await overHttp(t.url, null, input)).error));
    expect(unauthorized?.error?.data.code).toBe('UNAUTHORIZED');
    anonymous.close();

    const { secret } = await makeApiToken(a, { scope: 'read' });
    const reader = await rawSocket(t.url, secret);
    const [forbidden] = await reader.send(reader.call('mutation', 'messages.send', input));
    expect(comparable(forbidden?.error)).toEqual(comparable((await overHttp(t.url, secret, input)).error));
    expect(forbidden?.error?.data.code).toBe('FORBIDDEN');
    reader.close();
    expect((await b.client.messages.history.query({ conversationId, limit: 10 })).messages).toEqual([]);
    expect(await laneSends(t.url)).toBe(taken + 2);
  });
});
