import { usePasswordStrength } from '../lib/password-strength';

const LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'] as const;
const COLOURS = ['bg-rose-600', 'bg-orange-500', 'bg-amber-500', 'bg-lime-600', 'bg-emerald-600'] as const;

/**
 * How hard a new password would be to guess (zxcvbn), under its field. Advice only: the server
 * decides, refusing common passwords and ones built on the account's own words.
 */
export function PasswordMeter({ password, userInputs }: { password: string; userInputs: readonly string[] }) {
  const estimate = usePasswordStrength(password, userInputs);
  if (!estimate) return null;
  const label = LABELS[estimate.score];
  const advice = [estimate.warning, ...estimate.suggestions].filter(Boolean).join(' ');
  return (
    <div className="mt-1 space-y-1" data-testid="password-meter">
      {/* Not "Password strength": the field's own label must stay the only one with "password". */}
      <div
        role="meter"
        aria-label="Strength"
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={estimate.score}
        aria-valuetext={label}
        className="flex gap-1"
      >
        {[0, 1, 2, 3].map((bar) => (
          <span
            key={bar}
            className={`h-1.5 flex-1 rounded-full ${
              bar < Math.max(estimate.score, 1) ? COLOURS[estimate.score] : 'bg-slate-200 dark:bg-slate-700'
            }`}
          />
        ))}
      </div>
      <p aria-live="polite" className="text-sm text-slate-700 dark:text-slate-300">
        <span className="font-medium">{label}</span>
        {estimate.score < 3 ? ` · could be guessed in ${estimate.crackTime}.` : '.'} {advice}
      </p>
    </div>
  );
}
