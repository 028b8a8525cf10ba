import type { SecondFactorChallenge } from '@pigeon/schema';

/**
 * Carried as the cause of `auth.login`'s refusal when the password was right but the account
 * has two-factor on: the error formatter hands the challenge to the client, which finishes the
 * login with `auth.loginSecondFactor`.
 */
export class SecondFactorNeeded extends Error {
  constructor(readonly challenge: SecondFactorChallenge) {
    super('second factor needed');
  }
}
