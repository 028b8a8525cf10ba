import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, useTestServer } from './harness';

describe.each(backends)('muting a conversation (%s)', (backend) => {
  const t = useTestServer(backend);

  it('mutes for the caller alone, on all their devices', async () => {
    const a = await t.user('muter');
    const b = await t.user('other');
    const conversationId = await befriend(a, b);
    const otherDevice = t.client();
    await otherDevice.auth.login.mutate({ username: a.username, password: a.password });
    const stream = collectEvents(otherDevice);
    await stream.live();

    expect(await a.client.conversations.mute.mutate({ conversationId, muted: true })).toEqual({
      muted: true,
    });
    await stream.until(() => stream.events().some((e) => e.type === 'conversation.muted'));
    expect((await otherDevice.conversations.list.query())[0]?.muted).toBe(true);
    expect((await b.client.conversations.list.query())[0]?.muted).toBe(false);
    await a.client.conversations.mute.mutate({ conversationId, muted: false });
    expect((await a.client.conversations.list.query())[0]?.muted).toBe(false);

    const err = await (
      await t.user('x')
    ).client.conversations.mute
      .mutate({ conversationId, muted: true })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('NOT_FOUND');
    stream.unsubscribe();
  });
});
