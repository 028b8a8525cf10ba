import type { Conversation } from '@pigeon/schema';
import { useQuery } from '@tanstack/react-query';
import { useMyId } from '../lib/me';
import { useTRPC } from '../lib/trpc';
import { conversationTitle } from '../lib/conversation-labels';
import { personName } from '../lib/names';

export interface SearchFilter {
  conversationId?: string;
  senderId?: string;
}

const selectClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2 dark:border-slate-700 dark:bg-slate-900';

/** Narrows a message search to one conversation and/or one sender (you or a friend). */
export function SearchFilters({
  conversations,
  value,
  onChange,
}: {
  conversations: readonly Conversation[];
  value: SearchFilter;
  onChange: (next: SearchFilter) => void;
}) {
  const trpc = useTRPC();
  const myId = useMyId();
  const friends = useQuery(trpc.friends.list.queryOptions());
  // An empty choice ("All", "Anyone") leaves the key out: the procedure's input has no nulls.
  const set = (key: keyof SearchFilter, id: string) => {
    const { [key]: _dropped, ...rest } = value;
    onChange(id ? { ...rest, [key]: id } : rest);
  };
  return (
    <div className="mt-2 grid grid-cols-2 gap-3">
      <label className="text-sm font-medium">
        In
        <select
          className={selectClass}
          value={value.conversationId ?? ''}
          onChange={(e) => set('conversationId', e.target.value)}
        >
          <option value="">All conversations</option>
          {conversations.map((c) => (
            <option key={c.id} value={c.id}>
              {conversationTitle(c)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        From
        <select
          className={selectClass}
          value={value.senderId ?? ''}
          onChange={(e) => set('senderId', e.target.value)}
        >
          <option value="">Anyone</option>
          {myId && <option value={myId}>Me</option>}
          {friends.data?.map((f) => (
            <option key={f.id} value={f.id}>
              {personName(f)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
