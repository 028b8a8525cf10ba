import { randomUUID } from 'node:crypto';
import { friendships, reactions } from '@pigeon/db';
import { eq, or } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/core/changes';
import { noMetrics } from '../src/metrics';
import { openDirectConversation } from '../src/services/direct-conversations';
import { deleteMessage, editMessage, react, sendMessage } from '../src/services/message-actions';
import { SendQueue } from '../src/services/send-queue';
import { backends, outcome, types, useWorld, type World } from './support/world';

describe.each(backends)('editing, deleting and reacting to messages (%s)', (backend) => {
  const world = useWorld(backend);

  /** Two friends in their conversation, and a message from the first. */
  async function chat(w: World) {
    const [a, b] = [await w.user('a'), await w.user('b')];
    await w.befriend(a, b);
    const { id: conversationId } = await openDirectConversation(w.db, a, b);
    const sends = new SendQueue(w.db);
    const message = await sendMessage({ sends, outbox: new Outbox(), metrics: noMetrics }, a, {
      conversationId,
      body: 'helo',
      clientId: randomUUID(),
    });
    return { a, b, conversationId, message, heads: { a: await w.head(a), b: await w.head(b) } };
  }

  it('edits one’s own message, marked edited, and every member hears the new text', async () => {
    const w = world();
    const { a, b, message, heads } = await chat(w);

    const edited = await editMessage(w.call(), a, { messageId: message.id, body: 'hello' });

    expect(edited).toMatchObject({ id: message.id, body: 'hello', deletedAt: null });
    expect(edited.editedAt).not.toBeNull();
    for (const [user, head] of [
      [a, heads.a],
      [b, heads.b],
    ] as const) {
      expect(await w.events(user, head)).toEqual([
        { v: 1, type: 'message.updated', message: edited, id: head + 1 },
      ]);
    }
  });

  it('refuses editing others’ messages, deleted ones, or after the friendship ended; outsiders see nothing', async () => {
    const w = world();
    const { a, b, message } = await chat(w);
    const outsider = await w.user('outsider');
    const edit = (viewer: string, messageId = message.id) =>
      outcome(editMessage(w.call(), viewer, { messageId, body: 'changed' }));

    expect(await edit(b)).toBe('FORBIDDEN: You can only edit your own messages.');
    expect(await edit(outsider)).toBe('NOT_FOUND: No such message.');
    expect(await edit(a, message.id + 1_000_000)).toBe('NOT_FOUND: No such message.');
    await w.db.delete(friendships).where(or(eq(friendships.userId, a), eq(friendships.friendId, a)));
    expect(await edit(a)).toBe('FORBIDDEN: You can only message friends.');
    await w.befriend(a, b);
    await deleteMessage(w.call(), a, message.id);
    expect(await edit(a)).toBe('CONFLICT: That message was deleted.');
  });

  it('deletes one’s own message: blanked for everyone, reactions gone, and deleting again changes nothing', async () => {
    const w = world();
    const { a, b, message, heads } = await chat(w);
    await react(w.call(), b, { messageId: message.id, emoji: '👍', on: true });

    expect(await outcome(deleteMessage(w.call(), b, message.id))).toBe(
      'FORBIDDEN: You can only delete your own messages.',
    );
    const deleted = await deleteMessage(w.call(), a, message.id);

    expect(deleted).toMatchObject({ id: message.id, body: '', reactions: [] });
    expect(deleted.deletedAt).not.toBeNull();
    expect(await w.db.select().from(reactions).where(eq(reactions.messageId, message.id))).toEqual([]);
    expect((await w.events(b, heads.b)).at(-1)).toEqual({
      v: 1,
      type: 'message.updated',
      message: deleted,
      id: heads.b + 2,
    });

    const again = w.call();
    expect(await deleteMessage(again, a, message.id)).toEqual(deleted);
    expect(again.outbox.take().deliveries).toEqual([]);
    expect(await outcome(react(w.call(), b, { messageId: message.id, emoji: '👍', on: true }))).toBe(
      'CONFLICT: That message was deleted.',
    );
  });

  it('sets a reaction on or off, announcing only a change', async () => {
    const w = world();
    const { a, b, message, heads } = await chat(w);

    const on = await react(w.call(), b, { messageId: message.id, emoji: '😂', on: true });
    expect(on.reactions).toEqual([{ emoji: '😂', userIds: [b] }]);
    const twice = w.call();
    expect(await react(twice, b, { messageId: message.id, emoji: '😂', on: true })).toEqual(on);
    expect(twice.outbox.take().deliveries).toEqual([]);
    const off = await react(w.call(), b, { messageId: message.id, emoji: '😂', on: false });
    expect(off.reactions).toEqual([]);

    expect(types(await w.events(a, heads.a))).toEqual(['message.updated', 'message.updated']);
  });
});
