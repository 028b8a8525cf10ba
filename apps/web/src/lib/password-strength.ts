import { useEffect, useState } from 'react';
import type { StrengthEstimate } from './zxcvbn-estimator';

export type { StrengthEstimate };

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
