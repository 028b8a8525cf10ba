import type { PresenceStatus } from '@pigeon/schema';
import { useEffect, useState } from 'react';
import { lastSeenLabel } from '../lib/presence';
import { usePresenceOf } from '../lib/signals';
import { useLive } from '../lib/use-live';

const dotColour: Record<PresenceStatus, string> = {
  online: 'bg-emerald-500',
  away: 'bg-amber-400',
  offline: 'bg-slate-300 dark:bg-slate-600',
};

/** Green online, amber away, grey offline; the word is there for screen readers. */
export function PresenceDot({ userId }: { userId: string }) {
  const { status } = usePresenceOf(userId);
  const live = useLive();
  // While disconnected no presence arrives: what the list last said may be long out of date.
  if (!live) {
    return (
      <span
        data-testid="presence-dot"
        data-status="unknown"
        title="unknown while disconnected"
        className="inline-block size-2.5 shrink-0 rounded-full border border-dashed border-slate-400"
      >
        <span className="sr-only">status unknown</span>
      </span>
    );
  }
  return (
    <span
      data-testid="presence-dot"
      data-status={status}
      title={status}
      className={`inline-block size-2.5 shrink-0 rounded-full ${dotColour[status]}`}
    >
      <span className="sr-only">{status}</span>
    </span>
  );
}

/** "online", "away" or "last seen …" under a chat's title; nothing for someone hiding it. */
export function PresenceLine({ userId }: { userId: string }) {
  const { status, lastSeenAt } = usePresenceOf(userId);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // "last seen" is relative: keep it true while it is on screen.
    // (A time newer than `now` reads as "just now" until the next tick.)
    if (!lastSeenAt) return;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [lastSeenAt]);
  const live = useLive();
  const text = !live
    ? 'status unknown while disconnected'
    : status === 'offline'
      ? lastSeenAt
        ? lastSeenLabel(lastSeenAt, now)
        : ''
      : status;
  return (
    <span data-testid="presence-line" className="block truncate text-xs text-slate-600 dark:text-slate-300">
      {text}
    </span>
  );
}
