import { randomUUID } from 'node:crypto';
import { attachments, createDb, eventStreams, friendships, messages, users, type DbHandle } from '@pigeon/db';
import { createScratchDatabase } from '@pigeon/db/testing';
import { errorCode } from '@pigeon/test-utils';
import type { SendMessageInput } from '@pigeon/schema';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../src/core/changes';
import { noMetrics } from '../src/metrics';
import { openDirectConversation } from '../src/services/direct-conversations';
import { sendMessage } from '../src/services/message-actions';
import { sendMessages } from '../src/services/send-batch';
import { SendQueue } from '../src/services/send-queue';
import { messageViews } from '../src/services/views';

const drivers = process.env.DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(drivers)('sending attachments (%s)', (driver) => {
  let handle: DbHandle;
  let dropScratch: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (driver === 'postgres' && process.env.DATABASE_URL) {
      const scratch = await createScratchDatabase(process.env.DATABASE_URL);
      dropScratch = scratch.drop;
      handle = createDb({ databaseUrl: scratch.url, maxConnections: 4 });
    } else {
      handle = createDb({ dataDir: 'memory://' });
    }
    await handle.migrate();
  });
  afterAll(async () => {
    await handle.close();
    await dropScratch?.();
  });

  async function user(name: string) {
    const [row] = await handle.db
      .insert(users)
      .values({ username: `${name}_${randomUUID().slice(0, 8)}`, passwordHash: 'x' })
      .returning();
    if (!row) throw new Error('no user');
    await handle.db.insert(eventStreams).values({ userId: row.id });
    return row.id;
  }

  /** Two friends and their 1:1. */
  async function pair() {
    const a = await user('a');
    const b = await user('b');
    await handle.db.insert(friendships).values([
      { userId: a, friendId: b },
      { userId: b, friendId: a },
    ]);
    const { id: conversationId } = await openDirectConversation(handle.db, a, b);
    return { a, b, conversationId };
  }

  /** An upload's row as the upload route leaves it (the bytes are not needed here). */
  async function upload(uploaderId: string, name: string, image = false) {
    const id = randomUUID();
    await handle.db.insert(attachments).values({
      id,
      uploaderId,
      name,
      size: 1234,
      contentType: image ? 'image/png' : 'application/pdf',
      kind: image ? 'image' : 'file',
      ...(image ? { width: 640, height: 480, blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj' } : {}),
      originalKey: `test/${id}`,
      previewKey: image ? `test/${id}.preview` : null,
    });
    return id;
  }

  async function send(senderId: string, input: SendMessageInput) {
    const outbox = new Outbox();
    const sends = new SendQueue(handle.db);
    const message = await sendMessage({ sends, outbox, metrics: noMetrics }, senderId, input);
    return { message, deliveries: outbox.take().deliveries };
  }

  const rowsOf = (ids: string[]) =>
    Promise.all(
      ids.map(async (id) => (await handle.db.select().from(attachments).where(eq(attachments.id, id)))[0]),
    );

  it('stores the message with its uploads in the order given, tells every member, and a retry answers the same', async () => {
    const { a, b, conversationId } = await pair();
    const pdf = await upload(a, 'report.pdf');
    const photo = await upload(a, 'photo.png', true);
    const input = { conversationId, body: '', clientId: randomUUID(), attachmentIds: [photo, pdf] };
    const { message, deliveries } = await send(a, input);

    expect(message.body).toBe('');
    expect(message.attachments).toEqual([
      {
        id: photo,
        name: 'photo.png',
        size: 1234,
        contentType: 'image/png',
        kind: 'image',
        width: 640,
        height: 480,
        blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
      },
      { id: pdf, name: 'report.pdf', size: 1234, contentType: 'application/pdf', kind: 'file' },
    ]);
    expect(deliveries.map((d) => d.userId).sort()).toEqual([a, b].sort());
    for (const d of deliveries) {
      expect(d.event.type === 'message.created' && d.event.message.attachments).toEqual(message.attachments);
    }
    const rows = await rowsOf([photo, pdf]);
    expect(rows.map((r) => [r?.messageId, r?.conversationId, r?.position])).toEqual([
      [message.id, conversationId, 1],
      [message.id, conversationId, 2],
    ]);
    // History and a retry show what the send answered.
    const [stored] = await handle.db.select().from(messages).where(eq(messages.id, message.id));
    expect((await messageViews(handle.db, stored ? [stored] : []))[0]).toEqual(message);
    const retried = await send(a, input);
    expect(retried.message).toEqual(message);
    expect(retried.deliveries).toEqual([]);
  });

  it("refuses someone else's upload, one already sent, or an unknown id, and writes nothing", async () => {
    const { a, b, conversationId } = await pair();
    const theirs = await upload(b, 'theirs.txt');
    const mine = await upload(a, 'mine.txt');
    const sent = await upload(a, 'sent.txt');
    await send(a, { conversationId, body: 'first', clientId: randomUUID(), attachmentIds: [sent] });
    const before = await handle.db.select().from(messages).where(eq(messages.conversationId, conversationId));

    for (const ids of [[mine, theirs], [sent], [randomUUID()], [mine, sent]]) {
      const refused = await send(a, {
        conversationId,
        body: 'again',
        clientId: randomUUID(),
        attachmentIds: ids,
      }).catch((e: unknown) => e);
      expect(errorCode(refused)).toBe('NOT_FOUND');
    }
    const after = await handle.db.select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(after).toHaveLength(before.length);
    const [mineRow, theirsRow] = await rowsOf([mine, theirs]);
    expect(mineRow?.messageId).toBeNull();
    expect(theirsRow?.messageId).toBeNull();
  });

  it('gives an upload named by two sends of one batch to the first only', async () => {
    const { a, conversationId } = await pair();
    const shared = await upload(a, 'shared.txt');
    const [first, second] = await sendMessages(handle.db, [
      {
        senderId: a,
        input: { conversationId, body: 'one', clientId: randomUUID(), attachmentIds: [shared] },
      },
      {
        senderId: a,
        input: { conversationId, body: 'two', clientId: randomUUID(), attachmentIds: [shared] },
      },
    ]);
    expect(first?.ok && first.message.attachments.map((x) => x.id)).toEqual([shared]);
    expect(second?.ok === false && second.error.code).toBe('NOT_FOUND');
  });

  it('refuses a stranger to the conversation before looking at attachments', async () => {
    const { conversationId } = await pair();
    const stranger = await user('s');
    const upl = await upload(stranger, 'x.txt');
    const refused = await send(stranger, {
      conversationId,
      body: 'hi',
      clientId: randomUUID(),
      attachmentIds: [upl],
    }).catch((e: unknown) => e);
    expect(errorCode(refused)).toBe('NOT_FOUND');
    expect((await rowsOf([upl]))[0]?.messageId).toBeNull();
  });
});
