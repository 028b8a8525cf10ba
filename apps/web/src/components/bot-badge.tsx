/** Marks a bot's name wherever it shows, so nobody mistakes a program for a person. */
export function BotBadge({ isBot }: { isBot: boolean }) {
  if (!isBot) return null;
  return (
    <span className="shrink-0 rounded border border-sky-300 px-1 text-xs font-medium text-sky-800 dark:border-sky-700 dark:text-sky-300">
      bot
    </span>
  );
}
