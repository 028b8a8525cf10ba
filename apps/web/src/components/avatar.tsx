import { useState } from 'react';
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
 * A person's or a group's picture: their photo when they have one, else their initials on a
 * colour of their own. The initials are drawn first and stay underneath, so they show while the
 * photo loads (lazily) and whenever it fails. It is decoration next to a name that is always
 * written out, so screen readers skip it, and the initials are drawn by CSS from an attribute:
 * they are no part of the text of the row, link or heading the avatar sits in (its name, its
 * search matches, what is copied).
 */
export function Avatar({
  name,
  seed,
  src = null,
  size = 'md',
}: {
  name: string;
  seed: string;
  /** The photo's URL (`avatarUrl`); null or absent: initials only. */
  src?: string | null | undefined;
  size?: keyof typeof SIZES;
}) {
  return (
    <span
      aria-hidden
      data-testid="avatar"
      data-initials={initials(name)}
      data-photo={src ?? undefined}
      className={`relative inline-flex shrink-0 items-center justify-center overflow-hidden rounded-full font-semibold text-white select-none before:content-[attr(data-initials)] ${SIZES[size]} ${colourOf(seed)}`}
    >
      {/* Keyed by URL: a new photo starts hidden again until it has loaded. */}
      {src && <Photo key={src} src={src} />}
    </span>
  );
}

/** The photo over the initials, shown once loaded; on an error it goes and the initials stay. */
function Photo({ src }: { src: string }) {
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  if (state === 'failed') return null;
  return (
    <img
      src={src}
      alt=""
      loading="lazy"
      decoding="async"
      draggable={false}
      data-testid="avatar-photo"
      data-state={state}
      onLoad={() => setState('loaded')}
      onError={() => setState('failed')}
      className={`absolute inset-0 size-full object-cover transition-opacity ${state === 'loaded' ? 'opacity-100' : 'opacity-0'}`}
    />
  );
}
