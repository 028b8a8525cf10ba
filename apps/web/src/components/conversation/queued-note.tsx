import { useLive } from '../../lib/use-live';

/** Above the composer while not connected: what Send does now. */
export function QueuedNote() {
  const live = useLive();
  if (live) return null;
  return (
    <p
      data-testid="queued-note"
      className="flex items-center gap-2 border-t border-amber-300 bg-amber-50 px-4 py-1.5 text-xs text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <svg
        viewBox="0 0 16 16"
        className="size-3.5"
        aria-hidden
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
      >
        <circle cx="8" cy="8" r="6.2" />
        <path d="M8 4.5V8l2.3 1.6" strokeLinecap="round" />
      </svg>
      Not connected: messages you send now are queued and go out when the connection is back.
    </p>
  );
}
