import type { Conversation } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMyId } from '../lib/me';
import { uploadAvatar } from '../lib/avatar-upload';
import { usePigeonClient, useTRPC } from '../lib/trpc';
import { AvatarEditor } from './avatar-editor';
import { Button } from './button';
import { FriendPicker } from './friend-picker';
import { GroupMembers } from './group-members';
import { GroupNameField } from './group-name-field';
import { personName } from '../lib/names';

/** Who is in a group; its owner renames it and adds or removes people; anyone can leave. */
export function GroupPanel({ conversation }: { conversation: Conversation }) {
  const trpc = useTRPC();
  const client = usePigeonClient();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const myId = useMyId();
  const owner = conversation.ownerId !== null && conversation.ownerId === myId;
  const conversationId = conversation.id;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
  const options = { onSuccess: refresh };
  const rename = useMutation(trpc.conversations.rename.mutationOptions(options));
  const add = useMutation(trpc.conversations.addMembers.mutationOptions(options));
  const remove = useMutation(trpc.conversations.removeMember.mutationOptions(options));
  const leave = useMutation(
    trpc.conversations.leave.mutationOptions({
      onSuccess: () => {
        refresh();
        void navigate('/chats');
      },
    }),
  );
  const friends = useQuery({ ...trpc.friends.list.queryOptions(), enabled: owner });
  const inGroup = new Set(conversation.members.map((m) => m.id));
  const addable = (friends.data ?? []).filter((f) => !inGroup.has(f.id));
  const [name, setName] = useState(conversation.name ?? '');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const error = rename.error ?? add.error ?? remove.error ?? leave.error;

  return (
    <aside
      aria-label="Group members"
      className="space-y-4 border-b border-slate-200 px-4 py-3 text-sm dark:border-slate-800"
    >
      {owner && (
        <AvatarEditor
          name={conversation.name ?? ''}
          seed={conversation.id}
          current={conversation.avatarUrl}
          what="the group's photo"
          save={async (image, crop) => {
            await uploadAvatar(client, { kind: 'group', conversationId }, image, crop);
            refresh();
          }}
          remove={async () => {
            await client.conversations.removeAvatar.mutate({ conversationId });
            refresh();
          }}
        />
      )}
      {owner && (
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate({ conversationId, name });
          }}
        >
          <GroupNameField className="flex-1" value={name} onChange={setName} />
          <Button type="submit" disabled={rename.isPending}>
            Rename
          </Button>
        </form>
      )}
      <GroupMembers
        conversation={conversation}
        onRemove={
          owner
            ? (member) => {
                if (window.confirm(`Remove ${personName(member)} from the group?`)) {
                  remove.mutate({ conversationId, userId: member.id });
                }
              }
            : undefined
        }
      />
      {owner && (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate({ conversationId, userIds: [...chosen] }, { onSuccess: () => setChosen(new Set()) });
          }}
        >
          <FriendPicker friends={addable} chosen={chosen} onChange={setChosen} legend="Add friends" />
          {addable.length > 0 && (
            <Button type="submit" disabled={add.isPending || chosen.size === 0}>
              Add to group
            </Button>
          )}
        </form>
      )}
      {error && (
        <p role="alert" className="text-rose-700 dark:text-rose-400">
          {error.message}
        </p>
      )}
      <Button
        onClick={() => {
          if (window.confirm('Leave this group? You will no longer see its messages.')) {
            leave.mutate({ conversationId });
          }
        }}
      >
        Leave group
      </Button>
    </aside>
  );
}
