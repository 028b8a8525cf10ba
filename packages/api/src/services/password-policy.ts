import { TRPCError } from '@trpc/server';
import { dictionary } from '@zxcvbn-ts/language-common';
import { ZodRealError } from 'zod';
import { limits } from '@pigeon/schema';
import { normalizePassword } from './passwords';

/**
 * NIST SP 800-63B (5.1.1.2) asks that a new password be checked against values known to be
 * commonly used or compromised, and against context-specific words (the service's name, the
 * username). The list is zxcvbn-ts's `passwords-common` dictionary (MIT; 49,233 of the most
 * frequent passwords in leaked password corpora, lowercase), the same one the web app's strength
 * meter uses, so the two never disagree about a password being common.
 */
let common: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common']);
  return common;
}

/** Words no password may be built on: the service's own name. */
const SERVICE_WORDS = ['pigeon'];

export interface PasswordContext {
  username?: string | null | undefined;
  email?: string | null | undefined;
}

/** The comparable form: as hashed (NFKC), in lower case. */
const folded = (value: string) => normalizePassword(value).toLocaleLowerCase('en-US');

/** Why a new password is refused, or null when it may be used. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  const candidate = folded(password);
  if (commonPasswords().has(candidate)) {
    return 'This password is one of the most common ones, which attackers try first. Choose another.';
  }
  const localPart = context.email?.split('@')[0];
  const words = [context.username, localPart, ...SERVICE_WORDS]
    .filter((w): w is string => typeof w === 'string' && w.length >= 3)
    .map(folded);
  // "alice2024!" for alice, "pigeonchat": what is left without the name must stand on its own.
  let rest = candidate;
  for (const word of words) rest = rest.split(word).join('');
  if (rest !== candidate && (rest.length < limits.password.min || commonPasswords().has(rest))) {
    return 'This password is built on your username, email or the name of this service, which attackers try first. Choose another.';
  }
  return null;
}

/**
 * Refuses a new password with BAD_REQUEST, the reason attached to its form field (`field`), as
 * the schemas' own refusals are. (`ZodRealError` is the `Error` subclass that Zod's `parse` throws;
 * tRPC keeps only an `Error` as the cause, and the error formatter reads the fields from it.)
 */
export function requireAcceptablePassword(password: string, context: PasswordContext, field: string): void {
  const problem = passwordProblem(password, context);
  if (!problem) return;
  throw new TRPCError({
    code: 'BAD_REQUEST',
    message: problem,
    cause: new ZodRealError([{ code: 'custom', path: [field], message: problem, input: undefined }]),
  });
}
