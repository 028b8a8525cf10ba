/**
 * A count on a navigation link: "People 2" to the eye, "People 2 friend requests" to a screen
 * reader (the visible text stays inside the heard name, as WCAG's label-in-name asks). Nothing
 * when there is nothing to count.
 */
export function NavBadge({
  count,
  one,
  many,
  testId,
}: {
  count: number;
  one: string;
  many: string;
  testId: string;
}) {
  if (count === 0) return null;
  return (
    <span
      data-testid={testId}
      className="ml-1.5 inline-block min-w-5 rounded-full align-top bg-rose-700 px-1.5 text-center text-xs leading-5 font-semibold text-white"
    >
      {count > 99 ? '99+' : count}
      <span className="sr-only"> {count === 1 ? one : many}</span>
    </span>
  );
}
