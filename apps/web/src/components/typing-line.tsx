import type { PublicUser } from '@pigeon/schema';
import { useEffect, useState } from 'react';
import { personName } from '../lib/names';
import { typistsAt, useTypists } from '../lib/signals';

const personNameOf = (member: PublicUser | undefined) => (member ? personName(member) : 'Someone');

/** "ada is typing…" under the messages, gone when their signal runs out or their message lands. */
export function TypingLine({ conversationId, members }: { conversationId: string; members: PublicUser[] }) {
  const typing = useTypists(conversationId);
  const [now, setNow] = useState(() => Date.now());
  const typists = typistsAt(typing, now);
  const active = typists.length > 0;
  useEffect(() => {
    // Re-check once a second while someone types, so an expired signal disappears by itself.
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);

  const names = typists.map((id) => personNameOf(members.find((m) => m.id === id)));
  return (
    <p
      className="h-5 px-4 text-xs text-slate-600 dark:text-slate-300"
      aria-live="polite"
      data-testid="typing"
    >
      {names.length === 1 && `${names[0] ?? ''} is typing…`}
      {names.length > 1 && `${names.join(', ')} are typing…`}
    </p>
  );
}
