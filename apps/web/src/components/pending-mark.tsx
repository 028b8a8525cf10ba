import type { PendingMessage } from '../store/outbox';

/** A clock on a message that has not reached the server yet: waiting for it, or on its way. */
export function PendingMark({ status }: { status: Exclude<PendingMessage['status'], 'failed'> }) {
  const label = status === 'queued' ? 'Waiting to send' : 'Sending…';
  return (
    <span data-testid="pending-mark" className="inline-flex items-center gap-1">
      <svg
        viewBox="0 0 16 16"
        className="size-3"
        aria-hidden
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
      >
        <circle cx="8" cy="8" r="6.2" />
        <path d="M8 4.5V8l2.3 1.6" strokeLinecap="round" />
      </svg>
      {label}
    </span>
  );
}
