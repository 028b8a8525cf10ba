/* How people are named on screen: the display name they chose, else their unique username. */

interface Named {
  username: string;
  displayName: string | null;
}

/** The name to show for someone. */
export function personName(user: Named): string {
  return user.displayName ?? user.username;
}

/** "@ada", shown under a display name so two people of the same name can be told apart. */
export function handle(user: Named): string | null {
  return user.displayName === null ? null : `@${user.username}`;
}

/**
 * One or two letters for an avatar: the first letters of the first and last words ("Ada
 * Lovelace" → "AL", "grace_hopper" → "GH"), whole characters even beyond the BMP.
 */
export function initials(name: string): string {
  const words = name.split(/[\s._-]+/u).filter((word) => word.length > 0);
  const first = words[0];
  if (first === undefined) return '?';
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letter = (word: string) => Array.from(word)[0] ?? '';
  return (letter(first) + (last === undefined ? '' : letter(last))).toUpperCase();
}
