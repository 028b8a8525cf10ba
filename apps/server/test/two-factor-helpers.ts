import { secondFactorChallengeOf, type PigeonClient } from '@pigeon/client';
import { generate } from 'otplib';

/* Two-factor in tests: codes computed with otplib, as an authenticator app would. */

/** The app's code for now, or for `stepsAhead` 30-second steps later (still inside the window). */
export function codeFor(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });
}

/** Turns two-factor on for the client's account; the code for now is used up by it. */
export async function enableTwoFactor(client: PigeonClient, password: string) {
  const { secret, otpauthUri } = await client.auth.startTwoFactor.mutate({ password });
  const { recoveryCodes } = await client.auth.confirmTwoFactor.mutate({ code: await codeFor(secret) });
  return { secret, otpauthUri, recoveryCodes };
}

/** The first step: a right password answers with a challenge instead of a session. */
export async function passwordStep(client: PigeonClient, user: { username: string; password: string }) {
  const err = await client.auth.login.mutate(user).then(
    () => null,
    (e: unknown) => e,
  );
  const challenge = secondFactorChallengeOf(err);
  if (!challenge) throw new Error(`expected a second-factor challenge, got ${String(err)}`);
  return challenge.challenge;
}
