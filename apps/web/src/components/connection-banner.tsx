import { useEffect, useRef, useState } from 'react';
import { useLive } from '../lib/use-live';
import { useAppSelector } from '../store';

/** A blip shorter than this (a token renewal reconnects the socket) is not worth a banner. */
const SHOW_AFTER_MS = 1_500;
/** How long "Back online" stays. */
const BACK_FOR_MS = 4_000;

type Shown = 'none' | 'offline' | 'reconnecting' | 'back';

const TEXT: Record<Exclude<Shown, 'none'>, string> = {
  offline:
    'You are offline. Chats show what this device kept; messages you write are sent when you are back.',
  reconnecting:
    'Reconnecting to Pigeon… Chats show what this device kept; messages you write are sent when it answers.',
  back: 'Back online.',
};

/**
 * A banner across the app while it is not live: offline (the browser has no network) or
 * reconnecting (the server is unreachable, perhaps since the app opened on this device's copy);
 * then "Back online" for a moment. A status region, so screen readers announce each change.
 */
export function ConnectionBanner() {
  const live = useLive();
  const browserOffline = useAppSelector((s) => !s.connection.online);
  // Opened on the kept copy because the server did not answer: no need to wait for a blip.
  const keptCopy = useAppSelector((s) => s.session.offline);
  const [shown, setShown] = useState<Shown>('none');
  // Whether a banner was up, so coming back says so (the first connection after a load does not).
  const wasDown = useRef(false);

  useEffect(() => {
    if (live) {
      if (!wasDown.current) return;
      wasDown.current = false;
      setShown('back');
      const timer = setTimeout(() => setShown('none'), BACK_FOR_MS);
      return () => clearTimeout(timer);
    }
    const down = browserOffline ? 'offline' : 'reconnecting';
    const timer = setTimeout(
      () => {
        wasDown.current = true;
        setShown(down);
      },
      browserOffline || keptCopy ? 0 : SHOW_AFTER_MS,
    );
    return () => clearTimeout(timer);
  }, [live, browserOffline, keptCopy]);

  const look =
    shown === 'back'
      ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100'
      : 'bg-amber-100 text-amber-950 dark:bg-amber-950 dark:text-amber-100';
  return (
    <div role="status" aria-live="polite" data-testid="connection-banner" data-shown={shown}>
      {shown !== 'none' && (
        <p className={`px-4 py-2 text-center text-sm font-medium ${look}`}>{TEXT[shown]}</p>
      )}
    </div>
  );
}
