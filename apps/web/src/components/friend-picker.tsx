import type { PublicUser } from '@pigeon/schema';
import { personName } from '../lib/names';

/** Checkboxes for choosing some of one's friends (who to put in a group). */
export function FriendPicker({
  friends,
  chosen,
  onChange,
  legend,
}: {
  friends: PublicUser[];
  chosen: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  legend: string;
}) {
  if (friends.length === 0) {
    return <p className="text-sm text-slate-500 dark:text-slate-400">No friends to add.</p>;
  }
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      <ul className="max-h-48 overflow-y-auto">
        {friends.map((f) => (
          <li key={f.id}>
            <label className="flex items-center gap-2 py-1 text-sm">
              <input
                type="checkbox"
                checked={chosen.has(f.id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(f.id);
                  else next.delete(f.id);
                  onChange(next);
                }}
              />
              {personName(f)}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
