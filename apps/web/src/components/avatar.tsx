import { initials } from '../lib/names';

/*
 * Backgrounds that white text reads on at 4.5:1 or better (WCAG AA), the same in light and dark
 * mode. A person keeps one colour everywhere: it is chosen by their id, not their changing name.
 */
const COLOURS = [
  'bg-indigo-700',
  'bg-rose-700',
  'bg-emerald-800',
  'bg-sky-800',
  'bg-violet-700',
  'bg-amber-800',
  'bg-teal-800',
  'bg-fuchsia-800',
  'bg-slate-700',
  'bg-orange-800',
] as const;

const SIZES = {
  xs: 'size-6 text-[0.625rem]',
  sm: 'size-8 text-xs',
  md: 'size-10 text-sm',
  lg: 'size-16 text-xl',
} as const;

/** A stable index into the palette from an id (a 32-bit string hash, FNV-1a). */
function colourOf(seed: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return COLOURS[(hash >>> 0) % COLOURS.length] ?? 'bg-slate-700';
}

/**
 * A generated picture for a person or a group: their initials on a colour of their own. It is
 * decoration next to a name that is always written out, so screen readers skip it, and the
 * initials are drawn by CSS from an attribute: they are no part of the text of the row, link or
 * heading the avatar sits in (its name, its search matches, what is copied).
 */
export function Avatar({
  name,
  seed,
  size = 'md',
}: {
  name: string;
  seed: string;
  size?: keyof typeof SIZES;
}) {
  return (
    <span
      aria-hidden
      data-testid="avatar"
      data-initials={initials(name)}
      className={`inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white select-none before:content-[attr(data-initials)] ${SIZES[size]} ${colourOf(seed)}`}
    />
  );
}
