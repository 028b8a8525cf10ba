import { randomBytes } from 'node:crypto';

export interface RestAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny fetch wrapper for the REST tests: JSON in, JSON (or nothing) out. */
export function restClient(baseUrl: string) {
  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: {
      token?: string;
      json?: unknown;
      form?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<RestAnswer<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
  }

  /** Registers a fresh user over REST; returns its id, name, password and access token. */
  async function register(prefix = 'rest') {
    const username = `${prefix}_${randomBytes(4).toString('hex')}`;
    const password = 'correct horse battery';
    const res = await call<{ user: { id: string }; accessToken: string }>('POST', '/auth/register', {
      json: { username, email: `${username}@example.com`, password },
    });
    if (res.status !== 201) throw new Error(`register answered ${res.status}: ${JSON.stringify(res.body)}`);
    return { id: res.body.user.id, username, password, token: res.body.accessToken };
  }

  return { call, register };
}
