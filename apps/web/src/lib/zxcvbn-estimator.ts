// zxcvbn-ts with its dictionaries is large (about 850 KiB gzipped, mostly dictionaries): only `password-strength.ts` imports
// this module, and only dynamically, so it never enters the login page's initial JavaScript.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/** zxcvbn's verdict on a password: 0 (guessed at once) to 4 (very hard to guess). */
export interface StrengthEstimate {
  score: 0 | 1 | 2 | 3 | 4;
  warning: string | null;
  suggestions: string[];
  /** How long an offline attack on a slow hash would take, in words ("3 hours"). */
  crackTime: string;
}

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

export function estimate(password: string, userInputs: string[]): StrengthEstimate {
  const result = zxcvbn.check(password, userInputs);
  return {
    score: result.score,
    warning: result.feedback.warning,
    suggestions: result.feedback.suggestions,
    crackTime: result.crackTimes.offlineSlowHashingXPerSecond.display,
  };
}
