/**
 * A count on a navigation link ("People 2"): the number is seen, the sentence is heard, so the
 * link reads "People, 2 friend requests". Nothing at all when there is nothing to count.
 */
export function NavBadge({ count, label, testId }: { count: number; label: string; testId: string }) {
  if (count === 0) return null;
  return (
    <span
      data-testid={testId}
      className="ml-1.5 inline-block min-w-5 rounded-full bg-rose-700 px-1.5 text-center text-xs leading-5 font-semibold text-white"
    >
      <span aria-hidden>{count > 99 ? '99+' : count}</span>
      <span className="sr-only">, {label}</span>
    </span>
  );
}
