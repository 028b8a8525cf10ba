import type { Conversation, PublicUser } from '@pigeon/schema';
import { useMe } from '../lib/me';
import { Button } from './button';
import { handle, personName } from '../lib/names';
import { Avatar } from './avatar';

/** Everyone in a group, oneself first, its owner marked; `onRemove` (the owner's) for the others. */
export function GroupMembers({
  conversation,
  onRemove,
}: {
  conversation: Conversation;
  onRemove: ((member: PublicUser) => void) | undefined;
}) {
  const me = useMe();
  const everyone = me ? [me, ...conversation.members] : conversation.members;
  return (
    <section>
      <h3 className="mb-1 font-medium">{everyone.length} members</h3>
      <ul aria-label="Members">
        {everyone.map((m) => (
          <li key={m.id} className="flex items-center justify-between gap-2 py-0.5">
            <span className="flex min-w-0 items-center gap-2">
              <Avatar name={personName(m)} seed={m.id} src={m.avatarUrl} size="sm" />
              <span className="truncate">{m.id === me?.id ? `${personName(m)} (you)` : personName(m)}</span>
              {handle(m) && <span className="text-xs text-slate-600 dark:text-slate-300">{handle(m)}</span>}
              {m.id === conversation.ownerId && (
                <span className="ml-1 text-xs text-slate-500 dark:text-slate-400">owner</span>
              )}
            </span>
            {onRemove && m.id !== me?.id && (
              <Button className="text-xs" onClick={() => onRemove(m)}>
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
