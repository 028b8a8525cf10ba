import type { PigeonClient } from '@pigeon/client';
import type { PresenceStatus } from '@pigeon/schema';
import { useEffect } from 'react';
import { newClientId } from './ids';

/** No key, pointer or scroll for this long and a visible tab counts as away. */
export const IDLE_MS = 2 * 60_000;
/** Until the server says otherwise (each heartbeat's answer names the next one). */
const FIRST_INTERVAL_MS = 15_000;
const INPUTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;
/** A goodbye must not hold up logging out for long. */
const GOODBYE_WAIT_MS = 1_000;

/** Says this tab's goodbye while the session still can; set while the heartbeat runs. */
let goodbye: (() => Promise<void>) | null = null;

/**
 * Before logging out: tells friends at once that this tab is gone, rather than letting them see
 * it online until its heartbeat expires. Never fails, and waits a second at most.
 */
export async function leavePresence(): Promise<void> {
  if (!goodbye) return;
  await Promise.race([goodbye(), new Promise((resolve) => setTimeout(resolve, GOODBYE_WAIT_MS))]);
}

/**
 * This tab's heartbeat: online while visible and in use, away when hidden or idle, offline as
 * it closes. Each tab is its own connection (an id of its own), so the server can tell that a
 * person is still online in another tab or on another device.
 */
export function usePresenceHeartbeat(client: PigeonClient, enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    const connectionId = newClientId();
    let lastInput = Date.now();
    let sent: PresenceStatus | null = null;
    let intervalMs = FIRST_INTERVAL_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const current = (): PresenceStatus =>
      document.visibilityState === 'hidden' || Date.now() - lastInput > IDLE_MS ? 'away' : 'online';
    const schedule = () => {
      clearTimeout(timer);
      if (!stopped && sent !== 'offline') timer = setTimeout(() => beat(current()), intervalMs);
    };
    const beat = (state: PresenceStatus) => {
      sent = state;
      schedule();
      client.presence.heartbeat
        .mutate({ connectionId, state })
        .then((answer) => {
          intervalMs = answer.nextHeartbeatMs;
        })
        // A lost beat is made good by the next one; the connection outlives two of them.
        .catch(() => undefined);
    };
    const onChange = () => {
      // Gone (said goodbye): a closing page still fires "hidden" after "pagehide", which must
      // not bring the tab back as away. Only "pageshow" (back from the cache) does.
      if (sent === 'offline') return;
      if (current() !== sent) beat(current());
    };
    let lastInputCheck = 0;
    const onInput = () => {
      lastInput = Date.now();
      // Pointer moves come by the hundred: look at most once a second.
      if (lastInput - lastInputCheck < 1_000) return;
      lastInputCheck = lastInput;
      onChange();
    };
    const onLeave = () => beat('offline');
    const onBack = () => beat(current());

    beat(current());
    const mine = async () => {
      sent = 'offline';
      clearTimeout(timer);
      await client.presence.heartbeat.mutate({ connectionId, state: 'offline' }).catch(() => undefined);
    };
    goodbye = mine;
    document.addEventListener('visibilitychange', onChange);
    for (const name of INPUTS) window.addEventListener(name, onInput, { passive: true });
    window.addEventListener('pagehide', onLeave);
    window.addEventListener('pageshow', onBack);
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (goodbye === mine) goodbye = null;
      document.removeEventListener('visibilitychange', onChange);
      for (const name of INPUTS) window.removeEventListener(name, onInput);
      window.removeEventListener('pagehide', onLeave);
      window.removeEventListener('pageshow', onBack);
    };
  }, [client, enabled]);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "last seen 5 minutes ago", or a date once it is more than a day back. */
export function lastSeenLabel(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'last seen just now';
  if (seconds < 3_600) return `last seen ${relative.format(-Math.floor(seconds / 60), 'minute')}`;
  if (seconds < 86_400) return `last seen ${relative.format(-Math.floor(seconds / 3_600), 'hour')}`;
  return `last seen ${dayAndTime.format(new Date(iso))}`;
}
