// Issue 17: photos for people and groups — uploaded raw, cropped square, served by a random key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { PigeonClient } from '@pigeon/client';
import { startLocalS3, type LocalS3 } from '@pigeon/media/testing';
import { backends, befriend, collectEvents, startTestServer, type Backend, type TestServer } from './harness';
import { restClient } from './rest/rest-client';

type ErrorBody = { error: { code: string; message: string } };
type Person = Awaited<ReturnType<TestServer['user']>>;

/** 600×400: the left half red, the right half blue, with EXIF (GPS included) to be stripped. */
function twoColourJpeg(): Promise<Buffer> {
  const half = (r: number, b: number) => ({
    create: { width: 300, height: 400, channels: 3 as const, background: { r, g: 0, b } },
  });
  return sharp({ create: { width: 600, height: 400, channels: 3, background: '#000' } })
    .composite([
      { input: { ...half(255, 0) }, left: 0, top: 0 },
      { input: { ...half(0, 255) }, left: 300, top: 0 },
    ])
    .jpeg()
    .withExif({
      IFD0: { Artist: 'Secret Artist', ImageDescription: 'at home' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' },
    })
    .toBuffer();
}

function smallPng(colour = '#3a7'): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 64, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** The mean red and blue of an image: tells which half of the source a crop kept. */
async function meanColour(image: Buffer) {
  const { channels } = await sharp(image).stats();
  return { red: channels[0]?.mean ?? 0, blue: channels[2]?.mean ?? 0 };
}

/** Photos kept in the data directory's store, or in an S3-compatible bucket (s3rver). */
const stores = ['filesystem', 's3'] as const;

/** A test server for the describe block, its photos in the given store, with a 256 KiB limit. */
function useAvatarServer(backend: Backend, store: (typeof stores)[number]) {
  let s3: LocalS3 | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    if (store === 's3') s3 = await startLocalS3({ bucket: 'pigeon-avatars-test' });
    server = await startTestServer(backend, {
      avatarMaxBytes: 256 * 1024,
      ...(s3 ? { storage: { driver: 's3', ...s3.options } } : {}),
    });
  });
  afterAll(async () => {
    await server?.close();
    await s3?.stop();
  });
  const running = () => {
    if (!server) throw new Error('the test server is not running');
    return server;
  };
  return {
    get url() {
      return running().url;
    },
    user: (prefix?: string) => running().user(prefix),
  };
}

describe.each(backends.flatMap((backend) => stores.map((store) => [backend, store] as const)))(
  'avatars (%s, %s store)',
  (backend, store) => {
    const t = useAvatarServer(backend, store);

    /** A logged-in REST caller for a user of the test server. */
    async function tokenOf(person: Person): Promise<string> {
      const { call } = restClient(t.url);
      const res = await call<{ accessToken: string }>('POST', '/auth/token', {
        json: { username: person.username, password: person.password },
      });
      return res.body.accessToken;
    }

    async function put(
      path: string,
      token: string | null,
      body: string | Buffer | Uint8Array,
      contentType = 'image/jpeg',
    ) {
      const headers: Record<string, string> = { 'content-type': contentType };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${t.url}/api/v1${path}`, { method: 'PUT', headers, body });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
    }

    const photo = (url: unknown) => fetch(`${t.url}${String(url)}`);

    async function avatarOf(client: PigeonClient) {
      return (await client.auth.me.query()).avatarUrl;
    }

    it('sets a cropped photo: 512×512 WebP without metadata, in every view, live to a friend', async () => {
      const a = await t.user('av_a');
      const b = await t.user('av_b');
      const conversationId = await befriend(a, b);
      const stream = collectEvents(b.client);
      await stream.live();

      // The right half (blue) only.
      const res = await put('/me/avatar?x=300&y=50&size=300', await tokenOf(a), await twoColourJpeg());
      expect(res.status).toBe(200);
      const url = res.body.avatarUrl as string;
      expect(url).toMatch(/^\/api\/v1\/avatars\/[0-9a-f]{32}\.webp$/);
      expect(await avatarOf(a.client)).toBe(url);

      await stream.until(() => stream.events().some((e) => e.type === 'user.updated'));
      expect(stream.events().find((e) => e.type === 'user.updated')).toMatchObject({
        user: { id: a.id, avatarUrl: url },
      });
      const shown: unknown = expect.objectContaining({ id: a.id, avatarUrl: url });
      expect(await b.client.friends.list.query()).toEqual([shown]);
      expect(await b.client.users.card.query({ userId: a.id })).toMatchObject({ avatarUrl: url });
      const conversation = (await b.client.conversations.list.query()).find((c) => c.id === conversationId);
      expect(conversation?.members).toEqual([shown]);
      expect(conversation?.avatarUrl).toBeNull();
      expect((await b.client.users.search.query({ query: a.username })).users).toEqual([shown]);

      const served = await photo(url);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-security-policy')).toBe('sandbox');
      const bytes = Buffer.from(await served.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
        format: 'webp',
        width: 512,
        height: 512,
      });
      expect(meta.exif).toBeUndefined();
      expect(bytes.includes(Buffer.from('Secret Artist'))).toBe(false);
      const colour = await meanColour(bytes);
      expect(colour.blue).toBeGreaterThan(200);
      expect(colour.red).toBeLessThan(50);
      stream.unsubscribe();
    });

    it('a new photo gets a new URL, and the old one is gone', async () => {
      const a = await t.user('av_swap');
      const token = await tokenOf(a);
      const first = (await put('/me/avatar', token, await smallPng('#f00'), 'image/png')).body.avatarUrl;
      const second = (await put('/me/avatar', token, await smallPng('#00f'), 'image/png')).body.avatarUrl;
      expect(second).not.toBe(first);
      expect((await photo(first)).status).toBe(404);
      expect((await photo(second)).status).toBe(200);
      // Without a crop the centred square is kept; a square source stays whole.
      expect(await meanColour(Buffer.from(await (await photo(second)).arrayBuffer()))).toMatchObject({
        blue: expect.any(Number) as number,
      });
    });

    it('refuses what is not a raster photo, or too big, with typed errors, and changes nothing', async () => {
      const a = await t.user('av_bad');
      const token = await tokenOf(a);
      const kept = (await put('/me/avatar', token, await smallPng(), 'image/png')).body.avatarUrl;

      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
      const html = '<!doctype html><html><body><script>alert(1)</script></body></html>';
      const refusals = await Promise.all([
        put('/me/avatar', token, svg, 'image/svg+xml'),
        put('/me/avatar', token, html, 'image/png'),
        put('/me/avatar', token, Buffer.from('just some text, not an image'), 'image/jpeg'),
        put('/me/avatar', token, Buffer.alloc(0), 'image/jpeg'),
        put('/me/avatar', token, Buffer.alloc(300 * 1024, 1), 'image/jpeg'),
        put('/me/avatar?x=1&y=2', token, await smallPng(), 'image/png'),
        put('/me/avatar?x=-1&y=0&size=10', token, await smallPng(), 'image/png'),
        put('/me/avatar?x=40&y=40&size=60', token, await smallPng(), 'image/png'),
        put('/me/avatar', null, await smallPng(), 'image/png'),
      ]);
      expect(refusals.map((r) => [r.status, (r.body as ErrorBody).error.code])).toEqual([
        [415, 'UNSUPPORTED_MEDIA_TYPE'],
        [415, 'UNSUPPORTED_MEDIA_TYPE'],
        [415, 'UNSUPPORTED_MEDIA_TYPE'],
        [415, 'UNSUPPORTED_MEDIA_TYPE'],
        [413, 'PAYLOAD_TOO_LARGE'],
        [400, 'BAD_REQUEST'],
        [400, 'BAD_REQUEST'],
        [400, 'BAD_REQUEST'],
        [401, 'UNAUTHORIZED'],
      ]);
      for (const r of refusals) expect((r.body as ErrorBody).error.message.length).toBeGreaterThan(5);
      expect(await avatarOf(a.client)).toBe(kept);
      expect((await photo(kept)).status).toBe(200);
    });

    it('counts a streamed upload as it arrives: no Content-Length does not get past the limit', async () => {
      const a = await t.user('av_stream');
      const token = await tokenOf(a);
      const chunk = new Uint8Array(64 * 1024).fill(7);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          // 128 MiB: far more than the limit, and more than the test would wait for.
          if (sent++ < 2048) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await fetch(`${t.url}/api/v1/me/avatar`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
        body,
        duplex: 'half',
      }).catch((error: unknown) => error);
      // Either the 413 arrives, or the server closed the connection on the oversized body.
      if (res instanceof Response) {
        expect(res.status).toBe(413);
      }
      // The answer came (or the connection was closed) long before the client had sent it all.
      expect(sent).toBeLessThan(2048);
      expect(await avatarOf(a.client)).toBeNull();
    });

    it("a group's photo: its owner sets and removes it, every member hears it, others may not", async () => {
      const owner = await t.user('av_owner');
      const member = await t.user('av_member');
      const stranger = await t.user('av_stranger');
      await befriend(owner, member);
      const group = await owner.client.conversations.createGroup.mutate({
        name: 'hikers',
        memberIds: [member.id],
      });
      const stream = collectEvents(member.client);
      await stream.live();

      const path = `/groups/${group.id}/avatar`;
      const image = await smallPng();
      expect((await put(path, await tokenOf(member), image, 'image/png')).status).toBe(403);
      expect((await put(path, await tokenOf(stranger), image, 'image/png')).status).toBe(404);
      expect((await put('/groups/not-a-uuid/avatar', await tokenOf(owner), image, 'image/png')).status).toBe(
        404,
      );
      expect((await restClient(t.url).call('DELETE', path, { token: await tokenOf(member) })).status).toBe(
        403,
      );

      const set = await put(path, await tokenOf(owner), image, 'image/png');
      expect(set.status).toBe(200);
      const url = set.body.avatarUrl as string;
      expect(url).toMatch(/^\/api\/v1\/avatars\/[0-9a-f]{32}\.webp$/);
      await stream.until(() =>
        stream.events().some((e) => e.type === 'group.updated' && e.change === 'avatar_changed'),
      );
      expect(
        stream.events().find((e) => e.type === 'group.updated' && e.change === 'avatar_changed'),
      ).toMatchObject({
        group: { id: group.id, avatarUrl: url },
        by: owner.id,
      });
      const seen = (await member.client.conversations.list.query()).find((c) => c.id === group.id);
      expect(seen?.avatarUrl).toBe(url);
      expect((await photo(url)).status).toBe(200);

      const removed = await owner.client.conversations.removeAvatar.mutate({ conversationId: group.id });
      expect(removed.avatarUrl).toBeNull();
      expect((await photo(url)).status).toBe(404);
      expect(
        (await member.client.conversations.list.query()).find((c) => c.id === group.id)?.avatarUrl,
      ).toBeNull();
      stream.unsubscribe();
    });

    it('removing a photo shows initials again everywhere, and deletes the stored one', async () => {
      const a = await t.user('av_rm');
      const b = await t.user('av_rm_friend');
      await befriend(a, b);
      const token = await tokenOf(a);
      const url = (await put('/me/avatar', token, await smallPng(), 'image/png')).body.avatarUrl;
      const stream = collectEvents(b.client);
      await stream.live();

      const { call } = restClient(t.url);
      const res = await call<{ avatarUrl: string | null }>('DELETE', '/me/avatar', { token });
      expect(res.status).toBe(200);
      expect(res.body.avatarUrl).toBeNull();
      expect((await photo(url)).status).toBe(404);
      await stream.until(() => stream.events().some((e) => e.type === 'user.updated'));
      expect(stream.events().find((e) => e.type === 'user.updated')).toMatchObject({
        user: { id: a.id, avatarUrl: null },
      });
      expect((await b.client.users.card.query({ userId: a.id })).avatarUrl).toBeNull();
      // Removing again is no change: nothing to delete, nobody told.
      expect((await a.client.auth.removeAvatar.mutate()).avatarUrl).toBeNull();
      stream.unsubscribe();
    });

    it('serves only well-formed keys of photos that exist', async () => {
      for (const path of [
        '/api/v1/avatars/00000000000000000000000000000000.webp',
        '/api/v1/avatars/..%2F..%2Fsecret.webp',
        '/api/v1/avatars/ABC.webp',
      ]) {
        expect((await fetch(`${t.url}${path}`)).status).toBe(404);
      }
    });

    it('deleting the account deletes its photo; the export names it', async () => {
      const a = await t.user('av_gone');
      const url = (await put('/me/avatar', await tokenOf(a), await smallPng(), 'image/png')).body.avatarUrl;
      const exported = await a.client.auth.exportData.query();
      expect(exported.profile.avatarUrl).toBe(url);
      await a.client.auth.deleteAccount.mutate({ password: a.password });
      expect((await photo(url)).status).toBe(404);
    });
  },
);
