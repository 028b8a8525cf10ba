import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { Button } from './button';
import { FriendPicker } from './friend-picker';
import { GroupNameField } from './group-name-field';

/** Names a new group and picks the friends in it; the creator owns it. */
export function NewGroupForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const friends = useQuery(trpc.friends.list.queryOptions());
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const create = useMutation(
    trpc.conversations.createGroup.mutationOptions({
      onSuccess: (group) => {
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        onDone();
        void navigate(`/chats/${group.id}`);
      },
    }),
  );
  return (
    <form
      aria-label="New group"
      className="space-y-3 border-b border-slate-200 px-4 pb-4 dark:border-slate-800"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ name, memberIds: [...chosen] });
      }}
    >
      <GroupNameField className="block text-sm" value={name} onChange={setName} required />
      <FriendPicker
        friends={friends.data ?? []}
        chosen={chosen}
        onChange={setChosen}
        legend="Friends in the group"
      />
      {create.error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {create.error.message}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={create.isPending || chosen.size === 0}>
          Create group
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
