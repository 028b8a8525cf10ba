// NIST SP 800-63B: new passwords are checked against common ones and the account's own words.
import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, useTestServer } from './harness';

interface Refusal {
  code: string | undefined;
  message: string;
  fields: Record<string, string[] | undefined>;
}

function refusal(call: Promise<unknown>): Promise<Refusal> {
  return call.then(
    () => ({ code: 'ok', message: '', fields: {} }),
    (err: unknown) => {
      const data = (err as { data?: { zodError?: { fieldErrors?: Refusal['fields'] } } }).data;
      return {
        code: errorCode(err),
        message: (err as Error).message,
        fields: data?.zodError?.fieldErrors ?? {},
      };
    },
  );
}

describe.each(backends)('common passwords (%s)', (backend) => {
  const t = useTestServer(backend);

  it('refuses a common password at sign-up, on its field, saying why, and creates nothing', async () => {
    const username = `common_${Date.now().toString(36)}`;
    const register = (password: string) =>
      refusal(t.client().auth.register.mutate({ username, email: `${username}@example.com`, password }));

    for (const password of ['password', 'Password1', 'qwerty123', 'ｐａｓｓｗｏｒｄ']) {
      const refused = await register(password);
      expect(refused.code, password).toBe('BAD_REQUEST');
      expect(refused.message).toMatch(/one of the most common ones/);
      expect(refused.fields.password?.[0]).toMatch(/one of the most common ones/);
    }
    const own = await register(`${username}2024`);
    expect(own.message).toMatch(/built on your username/);
    expect(own.fields.password?.[0]).toMatch(/built on your username/);

    // None of those made the account: the name is still free.
    const session = await t.client().auth.register.mutate({
      username,
      email: `${username}@example.com`,
      password: 'tangerine otter seventeen',
    });
    expect(session.user.username).toBe(username);
  });

  it('refuses a common new password on change, and the old one keeps working', async () => {
    const me = await t.user('changer');
    const refused = await refusal(
      me.client.auth.changePassword.mutate({ currentPassword: me.password, newPassword: 'iloveyou1' }),
    );
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.fields.newPassword?.[0]).toMatch(/one of the most common ones/);
    const named = await refusal(
      me.client.auth.changePassword.mutate({ currentPassword: me.password, newPassword: `${me.username}!!` }),
    );
    expect(named.fields.newPassword?.[0]).toMatch(/built on your username/);

    await t.client().auth.login.mutate({ username: me.username, password: me.password });
  });
});
