/** A 16×16 line icon drawn with the current text colour, sized like the text buttons beside it. */
export function Icon({ path, strokeWidth }: { path: string; strokeWidth: number }) {
  return (
    <svg
      viewBox="0 0 16 16"
      className="size-5"
      aria-hidden
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
    >
      <path d={path} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
