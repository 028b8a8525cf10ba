import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

describe.each(backends)('replies, edits, deletes and reactions (%s)', (backend) => {
  const t = useTestServer(backend);

  async function chat() {
    const a = await t.user('a');
    const b = await t.user('b');
    const conversationId = await befriend(a, b);
    const first = await a.client.messages.send.mutate({
      conversationId,
      body: 'first words',
      clientId: newClientId(),
    });
    return { a, b, conversationId, first };
  }

  it('quotes the answered message, and refuses a reply to one of another conversation', async () => {
    const { a, b, conversationId, first } = await chat();
    const reply = await b.client.messages.send.mutate({
      conversationId,
      body: 'an answer',
      clientId: newClientId(),
      replyToId: first.id,
    });
    expect(reply.replyTo).toEqual({ id: first.id, senderId: a.id, body: 'first words', deleted: false });
    const history = await a.client.messages.history.query({ conversationId });
    expect(history.messages[0]?.replyTo).toEqual(reply.replyTo);

    const elsewhere = await chat();
    const err = await b.client.messages.send
      .mutate({ conversationId, body: 'wrong place', clientId: newClientId(), replyToId: elsewhere.first.id })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('NOT_FOUND');
  });

  it('edits and deletes only one’s own messages, live for everyone, keeping replies intact', async () => {
    const { a, b, conversationId, first } = await chat();
    const theirs = collectEvents(b.client);
    await theirs.live();
    const reply = await b.client.messages.send.mutate({
      conversationId,
      body: 'quoting you',
      clientId: newClientId(),
      replyToId: first.id,
    });

    expect(
      errorCode(
        await b.client.messages.edit
          .mutate({ messageId: first.id, body: 'mine now' })
          .catch((e: unknown) => e),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(await b.client.messages.delete.mutate({ messageId: first.id }).catch((e: unknown) => e)),
    ).toBe('FORBIDDEN');

    const edited = await a.client.messages.edit.mutate({ messageId: first.id, body: 'better words' });
    expect(edited).toMatchObject({ id: first.id, body: 'better words', deletedAt: null });
    expect(edited.editedAt).not.toBeNull();
    await theirs.until(() => theirs.events().some((e) => e.type === 'message.updated'));
    expect(theirs.events().find((e) => e.type === 'message.updated')).toMatchObject({ message: edited });

    const deleted = await a.client.messages.delete.mutate({ messageId: first.id });
    expect(deleted).toMatchObject({ id: first.id, body: '' });
    expect(deleted.deletedAt).not.toBeNull();
    expect(await a.client.messages.delete.mutate({ messageId: first.id })).toEqual(deleted); // twice is once
    const history = await b.client.messages.history.query({ conversationId });
    expect(history.messages.find((m) => m.id === first.id)).toMatchObject({
      body: '',
      deletedAt: deleted.deletedAt,
    });
    expect(history.messages.find((m) => m.id === reply.id)?.replyTo).toEqual({
      id: first.id,
      senderId: a.id,
      body: '',
      deleted: true,
    });
    expect(
      errorCode(
        await a.client.messages.edit.mutate({ messageId: first.id, body: 'back' }).catch((e: unknown) => e),
      ),
    ).toBe('CONFLICT');
    await theirs.until(() => theirs.events().filter((e) => e.type === 'message.updated').length === 2);
    theirs.unsubscribe();
  });

  it('toggles reactions idempotently, one per person and emoji, and refuses outsiders', async () => {
    const { a, b, first } = await chat();
    const on = await b.client.messages.react.mutate({ messageId: first.id, emoji: '👍', on: true });
    expect(on.reactions).toEqual([{ emoji: '👍', userIds: [b.id] }]);
    expect(
      (await b.client.messages.react.mutate({ messageId: first.id, emoji: '👍', on: true })).reactions,
    ).toEqual(on.reactions);
    const both = await a.client.messages.react.mutate({ messageId: first.id, emoji: '👍', on: true });
    expect(both.reactions).toEqual([{ emoji: '👍', userIds: [b.id, a.id] }]);
    const off = await b.client.messages.react.mutate({ messageId: first.id, emoji: '👍', on: false });
    expect(off.reactions).toEqual([{ emoji: '👍', userIds: [a.id] }]);

    const bad = await a.client.messages.react
      .mutate({ messageId: first.id, emoji: '💩' as '👍', on: true })
      .catch((e: unknown) => e);
    expect(errorCode(bad)).toBe('BAD_REQUEST');
    const outsider = await t.user('x');
    for (const attempt of [
      outsider.client.messages.react.mutate({ messageId: first.id, emoji: '❤️', on: true }),
      outsider.client.messages.edit.mutate({ messageId: first.id, body: 'x' }),
      outsider.client.messages.delete.mutate({ messageId: first.id }),
    ]) {
      expect(errorCode(await attempt.catch((e: unknown) => e))).toBe('NOT_FOUND');
    }
  });
});
