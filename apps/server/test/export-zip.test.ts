// Issue 17: the data export includes the user's files — GET /api/v1/export.zip.
import { randomBytes } from 'node:crypto';
import type { AttachmentView, PigeonClient } from '@pigeon/client';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { befriend, newClientId, UNLIMITED, useTestServer } from './harness';

type RestErrorBody = { error: { code: string; message: string } };

const tokenOf = async (client: PigeonClient) => {
  const token = await client.$session.accessToken();
  if (!token) throw new Error('not logged in');
  return token;
};

/** Every entry of a zip by its name, read with yauzl (a well-kept reader, not ours). */
async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(bytes, { lazyEntries: true }, (err, file) => (err ? reject(err) : resolve(file))),
  );
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

describe('the data export zip (embedded)', () => {
  const t = useTestServer('embedded', {
    rateLimits: { ...UNLIMITED, exports: { points: 3, durationSeconds: 3600 } },
  });

  const exportZip = (token: string | null) =>
    fetch(`${t.url}/api/v1/export.zip`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function upload(token: string, body: Uint8Array, name: string): Promise<AttachmentView> {
    const res = await fetch(`${t.url}/api/v1/uploads?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as AttachmentView;
  }

  async function original(token: string, id: string): Promise<Buffer> {
    const res = await fetch(`${t.url}/api/v1/attachments/${id}/original`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  }

  it('holds export.json as auth.exportData answers it, the photo, and the user’s own files byte for byte', async () => {
    const alice = await t.user('alice');
    const bob = await t.user('bob');
    const conversationId = await befriend(alice, bob);
    const aliceToken = await tokenOf(alice.client);
    const bobToken = await tokenOf(bob.client);

    const sentFile = await upload(aliceToken, randomBytes(5000), 'report "Q1" ü:x?.bin');
    await alice.client.messages.send.mutate({
      conversationId,
      body: 'the report',
      clientId: newClientId(),
      attachmentIds: [sentFile.id],
    });
    const png = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const image = await upload(aliceToken, png, 'holiday.png');
    expect(image.kind).toBe('image');
    // Bob's file in their shared conversation: Alice may read it, but it is not hers to export.
    const bobsFile = await upload(bobToken, randomBytes(300), 'bobs.bin');
    await bob.client.messages.send.mutate({
      conversationId,
      body: '',
      clientId: newClientId(),
      attachmentIds: [bobsFile.id],
    });
    const photo = await fetch(`${t.url}/api/v1/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'image/png' },
      body: png,
    });
    expect(photo.status).toBe(200);
    const { avatarUrl } = (await photo.json()) as { avatarUrl: string };

    const res = await exportZip(aliceToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="pigeon-export-${alice.username}\\.zip"`),
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    const entries = await unzip(Buffer.from(await res.arrayBuffer()));

    const sentPath = `files/${sentFile.id}-report _Q1_ ü_x_.bin`;
    const imagePath = `files/${image.id}-holiday.png`;
    expect([...entries.keys()].sort()).toEqual(['avatar.webp', 'export.json', sentPath, imagePath].sort());
    expect([...entries.keys()].some((name) => name.includes(bobsFile.id))).toBe(false);

    const answered = await alice.client.auth.exportData.query();
    const archived = JSON.parse(entries.get('export.json')?.toString('utf8') ?? 'null') as typeof answered;
    expect({ ...archived, exportedAt: null }).toEqual({ ...answered, exportedAt: null });
    expect(archived.uploads.map((u) => u.id).sort()).toEqual([sentFile.id, image.id].sort());

    expect(entries.get(sentPath)?.equals(await original(aliceToken, sentFile.id))).toBe(true);
    expect(entries.get(imagePath)?.equals(await original(aliceToken, image.id))).toBe(true);
    const avatar = await fetch(new URL(avatarUrl, t.url));
    expect(entries.get('avatar.webp')?.equals(Buffer.from(await avatar.arrayBuffer()))).toBe(true);
  });

  it('leaves out a file gone from the store, and has no avatar.webp without a photo', async () => {
    const carol = await t.user('carol');
    const token = await tokenOf(carol.client);
    const kept = await upload(token, randomBytes(100), 'kept.bin');
    const lost = await upload(token, randomBytes(100), 'lost.bin');
    await t.server.files.remove([`attachments/${carol.id}/${lost.id}`]);
    const res = await exportZip(token);
    expect(res.status).toBe(200);
    const entries = await unzip(Buffer.from(await res.arrayBuffer()));
    expect([...entries.keys()].sort()).toEqual(['export.json', `files/${kept.id}-kept.bin`]);
  });

  it('answers 401 without a valid token and 403 to an API token', async () => {
    const dave = await t.user('dave');
    const token = await tokenOf(dave.client);
    for (const bad of [null, 'not-a-token', `${token.slice(0, -4)}AAAA`]) {
      const res = await exportZip(bad);
      expect(res.status).toBe(401);
      expect(((await res.json()) as RestErrorBody).error.code).toBe('UNAUTHORIZED');
    }
    const { secret } = await dave.client.tokens.create.mutate({
      name: 'bot',
      scope: 'read',
      expiresInDays: null,
    });
    const res = await exportZip(secret);
    expect(res.status).toBe(403);
    expect(((await res.json()) as RestErrorBody).error.code).toBe('FORBIDDEN');
  });

  it('is rate limited per user: the 4th export in an hour gets 429 with Retry-After', async () => {
    const erin = await t.user('erin');
    const token = await tokenOf(erin.client);
    for (let i = 0; i < 3; i++) {
      const res = await exportZip(token);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const refused = await exportZip(token);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as RestErrorBody).error.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Someone else's budget is their own.
    const frank = await t.user('frank');
    expect((await exportZip(await tokenOf(frank.client))).status).toBe(200);
  });

  it('shares its budget with auth.exportData, which reads as much: the JSON export is limited too', async () => {
    const gina = await t.user('gina');
    const token = await tokenOf(gina.client);
    const zip = await exportZip(token);
    expect(zip.status).toBe(200);
    await zip.arrayBuffer();
    await gina.client.auth.exportData.query();
    await gina.client.auth.exportData.query();
    const refused = await gina.client.auth.exportData.query().then(
      () => null,
      (error: unknown) => error as { data?: { code?: string; retryAfterSeconds?: number | null } },
    );
    expect(refused?.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused?.data?.retryAfterSeconds).toBeGreaterThan(0);
    expect((await exportZip(token)).status).toBe(429);
  });

  it('answers HEAD with the download’s headers without spending an export', async () => {
    const hana = await t.user('hana');
    const token = await tokenOf(hana.client);
    for (let i = 0; i < 5; i++) {
      const head = await fetch(`${t.url}/api/v1/export.zip`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-disposition')).toContain('pigeon-export-hana');
    }
    const headless = await fetch(`${t.url}/api/v1/export.zip`, { method: 'HEAD' });
    expect(headless.status).toBe(401);
    // All three exports of the hour are still there.
    for (let i = 0; i < 3; i++) {
      const res = await exportZip(token);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });
});
