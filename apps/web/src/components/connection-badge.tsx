import { useAppSelector } from '../store';
import type { ConnectionStatus } from '../store/connection';

const LOOK: Record<ConnectionStatus, { text: string; dot: string }> = {
  connecting: { text: 'Connecting', dot: 'bg-amber-400' },
  connected: { text: 'Connected', dot: 'bg-emerald-500' },
  reconnecting: { text: 'Reconnecting', dot: 'bg-amber-400 animate-pulse' },
  offline: { text: 'Offline', dot: 'bg-rose-500' },
};

/** Always visible, so people know whether what they see is live. */
export function ConnectionBadge() {
  const status = useAppSelector((s) => s.connection.status);
  const look = LOOK[status];
  return (
    <p
      role="status"
      aria-live="polite"
      data-connection={status}
      className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300"
    >
      <span className={`size-2 rounded-full ${look.dot}`} aria-hidden />
      {look.text}
    </p>
  );
}
