import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CookieJar } from '@pigeon/api';
import { parse, serialize } from 'cookie';

/** Cookies of one HTTP request; the refresh cookie is scoped to the API path only. */
export function cookieJar(req: IncomingMessage, res: ServerResponse, secure: boolean): CookieJar {
  const incoming = parse(req.headers.cookie ?? '');
  const append = (value: string) => {
    const existing = res.getHeader('set-cookie');
    const list = Array.isArray(existing) ? existing : typeof existing === 'string' ? [existing] : [];
    res.setHeader('set-cookie', [...list, value]);
  };
  const base = { httpOnly: true, sameSite: 'strict', path: '/trpc', secure } as const;
  return {
    get: (name) => incoming[name],
    set: (name, value, maxAgeSeconds) => append(serialize(name, value, { ...base, maxAge: maxAgeSeconds })),
    clear: (name) => append(serialize(name, '', { ...base, maxAge: 0 })),
  };
}
