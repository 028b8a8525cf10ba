import { z } from 'zod';
import { timestamp, userId } from './common';
import { limits } from './limits';

export const username = z
  .string({ error: 'Username is required.' })
  .trim()
  .min(limits.username.min, `Username must be at least ${limits.username.min} characters.`)
  .max(limits.username.max, `Username must be at most ${limits.username.max} characters.`)
  .regex(/^[A-Za-z0-9_.-]+$/, 'Username may contain only letters, digits, ".", "_" and "-".');

export const password = z
  .string({ error: 'Password is required.' })
  .min(limits.password.min, `Password must be at least ${limits.password.min} characters.`)
  .max(limits.password.max, `Password must be at most ${limits.password.max} characters.`);

export const registerInput = z.object({ username, password });
export type RegisterInput = z.infer<typeof registerInput>;

/** Login checks only the bounds: the rules for new passwords must not lock out existing ones. */
export const loginInput = z.object({
  username: z.string().trim().min(1, 'Username is required.').max(limits.username.max),
  password: z.string().min(1, 'Password is required.').max(limits.password.max),
});
export type LoginInput = z.infer<typeof loginInput>;

export const refreshToken = z.string().min(1).max(limits.refreshToken.max);
export const refreshInput = z.object({ refreshToken });
export const logoutInput = z.object({ refreshToken: refreshToken.optional() });

export const me = z.object({
  id: userId,
  username: z.string(),
  createdAt: timestamp,
});
export type Me = z.infer<typeof me>;

export const authSession = z.object({
  user: me,
  accessToken: z.string(),
  accessTokenExpiresAt: timestamp,
  refreshToken: z.string(),
  refreshTokenExpiresAt: timestamp,
});
export type AuthSession = z.infer<typeof authSession>;
