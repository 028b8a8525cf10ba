import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_UPLOAD_LIMITS } from '@pigeon/api';
import { uploadAttachment, UploadError, type AttachmentView, type PigeonClient } from '@pigeon/client';
import { startLocalS3, type LocalS3 } from '@pigeon/media/testing';
import { codeOf } from '@pigeon/test-utils';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../src/config';
import {
  backends,
  befriend,
  collectEvents,
  newClientId,
  startTestServer,
  useTestServer,
  type Backend,
} from './harness';

type RestErrorBody = { error: { code: string; message: string } };

/** Small limits, so the tests can pass them without moving much data. */
const uploads = { ...DEFAULT_UPLOAD_LIMITS, maxBytes: 64 * 1024, quotaBytes: 160 * 1024, maxPerMessage: 3 };

const tokenOf = async (client: PigeonClient) => {
  const token = await client.$session.accessToken();
  if (!token) throw new Error('not logged in');
  return token;
};

async function upload(url: string, token: string | null, body: Uint8Array, name = 'file.bin') {
  const res = await fetch(`${url}/api/v1/uploads?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as AttachmentView & RestErrorBody };
}

function download(
  url: string,
  token: string | null,
  id: string,
  variant: 'original' | 'preview' = 'original',
  headers: Record<string, string> = {},
) {
  return fetch(`${url}/api/v1/attachments/${id}/${variant}`, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

type Store = 'filesystem' | 's3';
const stores: Store[] = ['filesystem', 's3'];
const combinations = backends.flatMap((backend) => stores.map((store): [Backend, Store] => [backend, store]));

/**
 * A test server whose files go to the given store: the default filesystem one, or a real local
 * S3-compatible server (s3rver) started for the block.
 */
function useServerWith(backend: Backend, store: Store, overrides: Partial<ServerConfig>) {
  const config: Partial<ServerConfig> = { ...overrides };
  let s3: LocalS3 | undefined;
  if (store === 's3') {
    beforeAll(async () => {
      s3 = await startLocalS3({ bucket: 'pigeon-attachments' });
      config.storage = { driver: 's3', ...s3.options };
    });
    afterAll(() => s3?.stop());
  }
  // Reads `config` when its own beforeAll runs, after the one above.
  return useTestServer(backend, config);
}

describe.each(combinations)('attachments (%s, %s store)', (backend, store) => {
  const t = useServerWith(backend, store, { uploads, fileSweepMs: 200 });

  async function friends() {
    const alice = await t.user('alice');
    const bob = await t.user('bob');
    const conversationId = await befriend(alice, bob);
    return {
      alice,
      bob,
      conversationId,
      aliceToken: await tokenOf(alice.client),
      bobToken: await tokenOf(bob.client),
    };
  }

  it('upload → send → the other member gets it live and downloads it with safe headers', async () => {
    const { alice, bob, conversationId, aliceToken, bobToken } = await friends();
    const stream = collectEvents(bob.client);
    await stream.live();
    const bytes = randomBytes(3000);
    const uploaded = await upload(t.url, aliceToken, bytes, 'notes ü "quoted".bin');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ name: 'notes ü "quoted".bin', size: 3000, kind: 'file' });

    const sent = await alice.client.messages.send.mutate({
      conversationId,
      body: '',
      clientId: newClientId(),
      attachmentIds: [uploaded.body.id],
    });
    expect(sent.attachments).toEqual([uploaded.body]);
    await stream.until(() => stream.messages().some((m) => m.id === sent.id));
    expect(stream.messages().find((m) => m.id === sent.id)?.attachments).toEqual([uploaded.body]);
    const history = await bob.client.messages.history.query({ conversationId });
    expect(history.messages[0]?.attachments).toEqual([uploaded.body]);
    stream.unsubscribe();

    const res = await download(t.url, bobToken, uploaded.body.id);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="notes _ _quoted_.bin"; filename*=UTF-8''notes%20%C3%BC%20%22quoted%22.bin`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    // A file (not an image) has no preview.
    expect((await download(t.url, bobToken, uploaded.body.id, 'preview')).status).toBe(404);
    expect(res.headers.get('accept-ranges')).toBe('bytes');

    // Ranges, as players seeking and resumed downloads ask: one range, first or last bytes.
    const ranged = async (range: string, extra: Record<string, string> = {}) => {
      const answer = await download(t.url, bobToken, uploaded.body.id, 'original', { range, ...extra });
      return {
        status: answer.status,
        contentRange: answer.headers.get('content-range'),
        length: answer.headers.get('content-length'),
        body: Buffer.from(await answer.arrayBuffer()),
      };
    };
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=0-0', 0, 0],
      ['bytes=2990-', 2990, 2999],
      ['bytes=-10', 2990, 2999],
      ['bytes=1000-999999', 1000, 2999],
    ] as const) {
      const part = await ranged(range);
      expect(part.status, range).toBe(206);
      expect(part.contentRange, range).toBe(`bytes ${start}-${end}/3000`);
      expect(part.length, range).toBe(String(end - start + 1));
      expect(part.body.equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }
    // Past the end, or no range at all: 416 with the size, no bytes.
    for (const range of ['bytes=3000-', 'bytes=abc']) {
      const refused = await ranged(range);
      expect(refused.status, range).toBe(416);
      expect(refused.contentRange, range).toBe('bytes */3000');
      expect(refused.body.length, range).toBe(0);
    }
    // Several ranges, another unit, or an If-Range (no validator is ever sent, so it cannot
    // match): the whole file, as HTTP allows.
    for (const [range, extra] of [
      ['bytes=0-9,20-29', {}],
      ['items=0-9', {}],
      ['bytes=0-9', { 'if-range': '"an-etag"' }],
    ] as const) {
      const whole = await ranged(range, extra);
      expect(whole.status, range).toBe(200);
      expect(whole.body.equals(bytes), range).toBe(true);
    }
    // Nobody else's bytes by a Range either.
    const strangerRange = await download(t.url, null, uploaded.body.id, 'original', { range: 'bytes=0-9' });
    expect(strangerRange.status).toBe(404);
  });

  it('answers 404 to a stranger, no token, a bad token, an unknown id, and a removed group member', async () => {
    const { alice, bob, aliceToken, bobToken } = await friends();
    const stranger = await t.user('stranger');
    const carol = await t.user('carol');
    await befriend(alice, carol);
    const group = await alice.client.conversations.createGroup.mutate({
      name: 'trio',
      memberIds: [bob.id, carol.id],
    });
    const uploaded = await upload(t.url, aliceToken, randomBytes(100));
    // Unattached: the uploader alone reads it.
    expect((await download(t.url, aliceToken, uploaded.body.id)).status).toBe(200);
    expect((await download(t.url, bobToken, uploaded.body.id)).status).toBe(404);
    await alice.client.messages.send.mutate({
      conversationId: group.id,
      body: 'look',
      clientId: newClientId(),
      attachmentIds: [uploaded.body.id],
    });
    const carolToken = await tokenOf(carol.client);
    expect((await download(t.url, carolToken, uploaded.body.id)).status).toBe(200);
    for (const token of [
      await tokenOf(stranger.client),
      null,
      'not-a-token',
      `${bobToken.slice(0, -4)}AAAA`,
    ]) {
      const res = await download(t.url, token, uploaded.body.id);
      expect(res.status).toBe(404);
      expect(((await res.json()) as RestErrorBody).error.code).toBe('NOT_FOUND');
    }
    expect((await download(t.url, bobToken, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await download(t.url, bobToken, 'nonsense')).status).toBe(404);

    await alice.client.conversations.removeMember.mutate({ conversationId: group.id, userId: carol.id });
    expect((await download(t.url, carolToken, uploaded.body.id)).status).toBe(404);
    expect((await download(t.url, bobToken, uploaded.body.id)).status).toBe(200);
    // Logged out: the session's token no longer opens anything.
    await bob.client.auth.logout.mutate();
    expect((await download(t.url, bobToken, uploaded.body.id)).status).toBe(404);
  });

  it('deleting the message removes its files: 404 for everyone, bytes gone from the store', async () => {
    const { alice, conversationId, aliceToken, bobToken } = await friends();
    const uploaded = await upload(t.url, aliceToken, randomBytes(100));
    const sent = await alice.client.messages.send.mutate({
      conversationId,
      body: 'soon gone',
      clientId: newClientId(),
      attachmentIds: [uploaded.body.id],
    });
    const deleted = await alice.client.messages.delete.mutate({ messageId: sent.id });
    expect(deleted.attachments).toEqual([]);
    expect((await download(t.url, bobToken, uploaded.body.id)).status).toBe(404);
    expect((await download(t.url, aliceToken, uploaded.body.id)).status).toBe(404);
    const keys = `attachments/${alice.id}/${uploaded.body.id}`;
    expect(await t.server.files.get(keys)).toBeNull();
  });

  it('tells a logged-in app the limits this server was configured with, and no one else', async () => {
    const { alice } = await friends();
    expect(await alice.client.messages.uploadLimits.query()).toEqual({
      maxBytes: uploads.maxBytes,
      maxPerMessage: uploads.maxPerMessage,
      quotaBytes: uploads.quotaBytes,
    });
    const anonymous = await t
      .client()
      .messages.uploadLimits.query()
      .then(
        () => null,
        (error: unknown) => (error as { data?: { code?: string } }).data?.code,
      );
    expect(anonymous).toBe('UNAUTHORIZED');
  });

  it('refuses too large (declared or streamed), over quota, too many, and others’ uploads, storing nothing', async () => {
    const { alice, bob, conversationId, aliceToken, bobToken } = await friends();
    const big = randomBytes(uploads.maxBytes + 1);
    const declared = await upload(t.url, aliceToken, big);
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    // Chunked, no Content-Length: cut off while streaming.
    const streamed = await chunkedUpload(t.url, aliceToken, big);
    expect(streamed).toBe(413);
    // Over the quota: 160 KiB, two 60 KiB files fit, the third does not.
    for (let i = 0; i < 2; i++)
      expect((await upload(t.url, aliceToken, randomBytes(60 * 1024))).status).toBe(201);
    const over = await upload(t.url, aliceToken, randomBytes(60 * 1024));
    expect(over.status).toBe(413);
    expect(over.body.error.message).toMatch(/quota/);

    const mine = await Promise.all([1, 2, 3, 4].map(() => upload(t.url, bobToken, randomBytes(10))));
    const ids = mine.map((m) => m.body.id);
    expect(
      await codeOf(
        bob.client.messages.send.mutate({
          conversationId,
          body: 'x',
          clientId: newClientId(),
          attachmentIds: ids,
        }),
      ),
    ).toBe('BAD_REQUEST');
    const [firstOfBob] = ids;
    if (!firstOfBob) throw new Error('no upload');
    expect(
      await codeOf(
        alice.client.messages.send.mutate({
          conversationId,
          body: 'not mine',
          clientId: newClientId(),
          attachmentIds: [firstOfBob],
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(alice.client.messages.send.mutate({ conversationId, body: ' ', clientId: newClientId() })),
    ).toBe('BAD_REQUEST');
    const history = await bob.client.messages.history.query({ conversationId });
    expect(history.messages).toEqual([]);
    // Bob's upload is still his, unsent.
    expect((await download(t.url, bobToken, firstOfBob)).status).toBe(200);
    expect((await upload(t.url, bobToken, randomBytes(10), '../etc/passwd')).status).toBe(400);
    expect((await upload(t.url, null, randomBytes(10))).status).toBe(401);
    expect((await upload(t.url, bobToken, new Uint8Array(0))).status).toBe(400);
  });

  it('strips EXIF and GPS from an image, and serves it inline with a preview, size and blurhash', async () => {
    const { alice, conversationId, aliceToken, bobToken } = await friends();
    const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#c33' } })
      .jpeg()
      .withExif({
        IFD0: { Make: 'PigeonCam' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '48/1 51/1 24/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '2/1 21/1 3/1',
        },
      })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const uploaded = await upload(t.url, aliceToken, photo, 'beach.jpg');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      kind: 'image',
      contentType: 'image/jpeg',
      width: 300,
      height: 200,
    });
    expect(uploaded.body.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);
    await alice.client.messages.send.mutate({
      conversationId,
      body: '',
      clientId: newClientId(),
      attachmentIds: [uploaded.body.id],
    });
    const original = await download(t.url, bobToken, uploaded.body.id);
    expect(original.headers.get('content-type')).toBe('image/jpeg');
    expect(original.headers.get('content-disposition')).toMatch(/^inline;/);
    const served = Buffer.from(await original.arrayBuffer());
    const meta = await sharp(served).metadata();
    expect(meta.exif).toBeUndefined();
    expect(served.includes(Buffer.from('PigeonCam'))).toBe(false);
    expect([meta.width, meta.height]).toEqual([300, 200]);
    const preview = await download(t.url, bobToken, uploaded.body.id, 'preview');
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).format).toBe('webp');
    // Bytes that claim to be an image but are not one are refused, not stored.
    const broken = Buffer.concat([photo.subarray(0, 200), Buffer.alloc(2000)]);
    const refused = await upload(t.url, aliceToken, broken, 'broken.jpg');
    expect(refused.status).toBe(415);
  });

  it('lets a client send a file in a few lines with uploadAttachment, and reports refusals typed', async () => {
    const { alice, bob, conversationId } = await friends();
    const attachment = await uploadAttachment(
      { url: t.url, client: alice.client },
      new TextEncoder().encode('hi'),
      'hi.txt',
    );
    expect(attachment).toMatchObject({
      name: 'hi.txt',
      size: 2,
      contentType: 'text/plain; charset=utf-8',
      kind: 'file',
    });
    const blob = await uploadAttachment(
      { url: `${t.url}/`, token: await tokenOf(bob.client) },
      new Blob(['yo']),
      'yo.txt',
    );
    expect(blob.size).toBe(2);
    // Over REST, the same send takes the same ids.
    const rest = await fetch(`${t.url}/api/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf(bob.client)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: '', clientId: newClientId(), attachmentIds: [blob.id] }),
    });
    expect(rest.status).toBe(201);
    expect(((await rest.json()) as { attachments: AttachmentView[] }).attachments).toEqual([blob]);
    await alice.client.messages.send.mutate({
      conversationId,
      body: 'file',
      clientId: newClientId(),
      attachmentIds: [attachment.id],
    });
    const refused = await uploadAttachment(
      { url: t.url, client: alice.client },
      new Uint8Array(uploads.maxBytes + 1),
      'big.bin',
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UploadError);
    expect(refused).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('serves HTML and SVG as octet-stream attachments, never inline', async () => {
    const { alice, aliceToken } = await friends();
    const html = await upload(
      t.url,
      aliceToken,
      Buffer.from('<!doctype html><script>alert(1)</script>'),
      'x.html',
    );
    const svg = await upload(
      t.url,
      aliceToken,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
      'x.svg',
    );
    for (const { body } of [html, svg]) {
      expect(body.kind).toBe('file');
      const res = await download(t.url, aliceToken, body.id);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    }
    expect(alice.id).toBeTruthy();
  });

  it('removes an account’s uploads with the account', async () => {
    const { alice, conversationId, aliceToken, bobToken } = await friends();
    const sent = await upload(t.url, aliceToken, randomBytes(50));
    const unsent = await upload(t.url, aliceToken, randomBytes(50));
    await alice.client.messages.send.mutate({
      conversationId,
      body: 'bye',
      clientId: newClientId(),
      attachmentIds: [sent.body.id],
    });
    // The export lists both, with where to download each.
    const exported = await alice.client.auth.exportData.query();
    expect(exported.uploads.map((u) => [u.id, u.downloadPath])).toEqual(
      [sent.body.id, unsent.body.id].map((id) => [id, `/api/v1/attachments/${id}/original`]),
    );
    expect(exported.messages.find((m) => m.body === 'bye')?.attachments.map((x) => x.id)).toEqual([
      sent.body.id,
    ]);
    await alice.client.auth.deleteAccount.mutate({ password: alice.password });
    expect((await download(t.url, bobToken, sent.body.id)).status).toBe(404);
    for (const id of [sent.body.id, unsent.body.id]) {
      expect(await t.server.files.get(`attachments/${alice.id}/${id}`)).toBeNull();
    }
  });
});

describe.each(stores)('the orphan sweep (%s store)', (store) => {
  const t = useServerWith('embedded', store, {
    uploads: { ...uploads, orphanTtlSeconds: 1 },
    fileSweepMs: 200,
  });

  it('removes uploads never sent, rows and bytes, and leaves sent ones alone', async () => {
    const alice = await t.user('alice');
    const bob = await t.user('bob');
    const conversationId = await befriend(alice, bob);
    const token = await tokenOf(alice.client);
    const orphan = await upload(t.url, token, randomBytes(10));
    const kept = await upload(t.url, token, randomBytes(10));
    await alice.client.messages.send.mutate({
      conversationId,
      body: 'k',
      clientId: newClientId(),
      attachmentIds: [kept.body.id],
    });
    const key = `attachments/${alice.id}/${orphan.body.id}`;
    const stored = await t.server.files.get(key);
    expect(stored).not.toBeNull();
    stored?.body.destroy();
    const deadline = Date.now() + 10_000;
    while ((await download(t.url, token, orphan.body.id)).status !== 404) {
      if (Date.now() > deadline) throw new Error('the sweep never removed the orphan');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await t.server.files.get(key)).toBeNull();
    expect((await download(t.url, token, kept.body.id)).status).toBe(200);
    expect(
      await codeOf(
        alice.client.messages.send.mutate({
          conversationId,
          body: 'late',
          clientId: newClientId(),
          attachmentIds: [orphan.body.id],
        }),
      ),
    ).toBe('NOT_FOUND');
  });
});

describe('a restart in the middle of an upload', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('leaves no temporary file behind, and a retry works', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pigeon-restart-'));
    dirs.push(dataDir);
    const first = await startTestServer('embedded', {
      database: { url: undefined, dataDir, poolSize: 1 },
      uploads,
    });
    const alice = await first.user('alice');
    const token = await tokenOf(alice.client);
    const staging = join(dataDir, 'upload-staging');
    // Half a file, then silence: the server is stopped with the upload in progress.
    const req = request(`${first.url}/api/v1/uploads?name=half.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-length': String(40_000) },
    });
    req.on('error', () => undefined);
    req.write(randomBytes(20_000));
    const deadline = Date.now() + 5_000;
    while ((await readdir(staging).catch(() => [])).length === 0) {
      if (Date.now() > deadline) throw new Error('the upload was never staged');
      await new Promise((r) => setTimeout(r, 50));
    }
    // A crash would leave the staged file where a graceful stop removes it: leave one as a crash
    // would, beside the upload in progress, and stop the server.
    await writeFile(join(staging, 'upload-crashed.part'), randomBytes(100));
    const closing = first.close();
    req.destroy();
    await closing;

    const second = await startTestServer('embedded', {
      database: { url: undefined, dataDir, poolSize: 1 },
      uploads,
    });
    try {
      expect(await readdir(staging).catch(() => [])).toEqual([]);
      const again = second.client();
      await again.auth.login.mutate({ username: alice.username, password: alice.password });
      const retried = await upload(second.url, await tokenOf(again), randomBytes(40_000), 'half.bin');
      expect(retried.status).toBe(201);
      expect(await readdir(staging)).toEqual([]);
    } finally {
      await second.close();
    }
  });
});

/** An upload sent chunked (no Content-Length), as a browser stream or a pipe would: the status. */
function chunkedUpload(url: string, token: string, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/uploads?name=big.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // The server hangs up once it has answered: a write after that may fail, which is expected.
    req.on('error', (err) => (req.writableEnded ? undefined : reject(err)));
    const chunk = 8 * 1024;
    let offset = 0;
    const pump = () => {
      while (offset < bytes.length) {
        const ok = req.write(bytes.subarray(offset, offset + chunk));
        offset += chunk;
        if (!ok) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
