import { useEffect, useState } from 'react';

/** zxcvbn's verdict on a password: 0 (guessed at once) to 4 (very hard to guess). */
export interface StrengthEstimate {
  score: 0 | 1 | 2 | 3 | 4;
  warning: string | null;
  suggestions: string[];
  /** How long an offline attack on a slow hash would take, in words ("3 hours"). */
  crackTime: string;
}

type Estimator = (password: string, userInputs: string[]) => StrengthEstimate;

let estimator: Promise<Estimator> | undefined;

/** Loads the estimator the first time it is needed (its own chunk), then reuses it. */
export function loadEstimator(): Promise<Estimator> {
  estimator ??= import('./zxcvbn-estimator').then((module) => module.estimate);
  return estimator;
}

/**
 * The estimate for `password`, null while it is empty or the estimator is loading. `userInputs`
 * are words of this account (username, email, the service's name) that make a password weak.
 */
export function usePasswordStrength(
  password: string,
  userInputs: readonly string[],
): StrengthEstimate | null {
  const key = [password, ...userInputs].join('\n');
  // The estimate remembers what it was made for, so a stale one is never shown for new input.
  const [result, setResult] = useState<{ key: string; estimate: StrengthEstimate } | null>(null);
  useEffect(() => {
    if (password === '') return;
    let current = true;
    const [, ...inputs] = key.split('\n');
    void loadEstimator().then((check) => {
      if (current) setResult({ key, estimate: check(password, inputs.filter(Boolean)) });
    });
    return () => {
      current = false;
    };
  }, [password, key]);
  return password !== '' && result?.key === key ? result.estimate : null;
}
