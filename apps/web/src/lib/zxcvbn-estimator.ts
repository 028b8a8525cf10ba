// zxcvbn-ts with its dictionaries is large (about 850 KiB gzipped, mostly dictionaries): only `password-strength.ts` imports
// this module, and only dynamically, so it never enters the login page's initial JavaScript.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import type { StrengthEstimate } from './password-strength';

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
