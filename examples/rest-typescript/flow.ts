/**
 * Pigeon's REST API from a client generated out of its OpenAPI document (openapi-typescript
 * types + openapi-fetch), with the event stream read over fetch:
 *
 *   npx openapi-typescript http://localhost:3000/api/openapi.json -o pigeon-api.d.ts
 *   npx tsx flow.ts http://localhost:3000
 *
 * Registers two users, makes them friends (one logs in with an OAuth2 password form), sends,
 * reads the history and follows the stream across a reconnect with Last-Event-ID.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './pigeon-api';

type StreamItem = components['schemas']['StreamItem'];

const baseUrl = process.argv[2] ?? 'http://localhost:3000';
const anonymous = createClient<paths>({ baseUrl });
const as = (token: string) => createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } });

/** The body of a success, or a thrown error with the API's code and message. */
function ok<T>(result: { data?: T; error?: { error: { code: string; message: string } } }): T {
  if (result.error) throw new Error(`${result.error.error.code}: ${result.error.error.message}`);
  if (result.data === undefined) throw new Error('no body');
  return result.data;
}

async function register(prefix: string) {
  const username = `${prefix}_${Math.random().toString(16).slice(2, 10)}`;
  const password = 'generated client password';
  const session = ok(
    await anonymous.POST('/api/v1/auth/register', {
      body: { username, email: `${username}@example.com`, password },
    }),
  );
  return { username, password, session };
}

/** Opens the event stream; `until` reads on until an item passes its test. */
async function openStream(token: string, lastEventId: string | null) {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (lastEventId !== null) headers['last-event-id'] = lastEventId;
  const res = await fetch(`${baseUrl}/api/v1/events`, { headers, signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const seen: { id: string; item: StreamItem }[] = [];
  let buffer = '';
  return {
    seen,
    async until(test: (item: StreamItem) => boolean): Promise<{ id: string; item: StreamItem }> {
      for (;;) {
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (/^event: close$/m.test(frame)) throw new Error(`stream closed: ${data ?? ''}`);
          if (id === undefined || data === undefined) continue;
          const entry = { id, item: JSON.parse(data) as StreamItem };
          seen.push(entry);
          if (test(entry.item)) return entry;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended early');
        buffer += value;
      }
    },
    close: () => abort.abort(),
  };
}

async function main() {
  const alice = await register('ts_alice');
  const bob = await register('ts_bob');
  const aliceApi = as(alice.session.accessToken);

  // Bob logs in with the OAuth2 password form.
  const token = ok(
    await anonymous.POST('/api/v1/auth/token', {
      body: { username: bob.username, password: bob.password },
      bodySerializer: ({ username, password }) =>
        new URLSearchParams({ grant_type: 'password', username, password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
  );
  const bobApi = as(token.access_token);

  const found = ok(
    await bobApi.GET('/api/v1/users/search', { params: { query: { query: alice.username } } }),
  );
  const aliceUser = found.users[0];
  if (!aliceUser) throw new Error('alice not found');
  const asked = ok(await bobApi.POST('/api/v1/friends/requests', { body: { userId: aliceUser.id } }));
  ok(
    await aliceApi.POST('/api/v1/friends/requests/{requestId}/accept', {
      params: { path: { requestId: asked.request.id } },
    }),
  );
  const conversation = ok(await bobApi.POST('/api/v1/conversations', { body: { userId: aliceUser.id } }));
  const send = async (body: string) =>
    ok(
      await bobApi.POST('/api/v1/conversations/{conversationId}/messages', {
        params: { path: { conversationId: conversation.id } },
        body: { body, clientId: crypto.randomUUID() },
      }),
    );

  // Live: once caught up, a message sent arrives on the stream.
  const first = await openStream(alice.session.accessToken, null);
  await first.until((item) => item.type === 'stream.live');
  await send('first, seen live');
  const last = await first.until((item) => item.type === 'message.created');
  first.close();

  // Away, then back with Last-Event-ID: exactly the missed message.
  await send('second, sent while away');
  const second = await openStream(alice.session.accessToken, last.id);
  await second.until((item) => item.type === 'stream.live');
  second.close();
  const afterReconnect = second.seen.flatMap(({ item }) =>
    item.type === 'message.created' ? [item.message.body] : [],
  );

  const history = ok(
    await aliceApi.GET('/api/v1/conversations/{conversationId}/messages', {
      params: { path: { conversationId: conversation.id }, query: { limit: 10 } },
    }),
  );
  const refused = await as('not-a-token').GET('/api/v1/users/me');
  console.log(
    JSON.stringify({
      ok: true,
      lastEventId: last.id,
      afterReconnect,
      history: history.messages.map((m) => m.body).sort(),
      refused: refused.error?.error.code ?? null,
    }),
  );
}

await main();
