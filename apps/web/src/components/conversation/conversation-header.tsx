import type { Conversation } from '@pigeon/schema';
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { historyKey } from '../../lib/history';
import { useTRPC } from '../../lib/trpc';
import { conversationTitle } from '../../lib/conversation-labels';
import { GroupPanel } from '../group-panel';
import { PresenceDot, PresenceLine } from '../presence';
import { BotBadge } from '../bot-badge';
import { handle } from '../../lib/names';
import { ConversationAvatar } from '../conversation-avatar';

const menuClass =
  'z-50 min-w-48 rounded-md border border-slate-200 bg-white p-1 text-slate-900 shadow-lg dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100';
// A tick before a checked item (Members shown, Muted), kept in the row's width when unchecked.
const itemClass =
  "flex min-h-8 cursor-default items-center gap-2 rounded px-2 text-sm outline-none select-none before:w-4 before:content-[''] aria-checked:before:content-['✓'] data-highlighted:bg-slate-100 pointer-coarse:min-h-11 dark:data-highlighted:bg-slate-800";

/**
 * The one header of an open conversation (on a phone it has the whole screen): back to the list,
 * who it is with (a friend's presence, or a group's size), and one options menu for what one can
 * do with it as a whole: show a group's members, mute it, or delete it for oneself.
 */
export function ConversationHeader({
  conversationId,
  conversation,
}: {
  conversationId: string;
  conversation: Conversation | undefined;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [showMembers, setShowMembers] = useState(false);
  const isGroup = conversation?.kind === 'group';
  const members = conversation?.members ?? [];
  const friend = !isGroup && members.length === 1 ? members[0] : undefined;
  const title = conversation ? conversationTitle(conversation) : '';
  const muted = conversation?.muted ?? false;

  const mute = useMutation(
    trpc.conversations.mute.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() }),
    }),
  );
  const clear = useMutation(
    trpc.conversations.clear.mutationOptions({
      onSuccess: () => {
        void queryClient.resetQueries({ queryKey: historyKey(trpc, conversationId) });
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        void navigate('/chats');
      },
    }),
  );

  const deleteForMe = () => {
    if (
      window.confirm(
        `Delete this conversation for you? ${isGroup ? 'The others keep theirs' : 'The other person keeps their copy'}.`,
      )
    ) {
      clear.mutate({ conversationId });
    }
  };

  return (
    <>
      <header
        data-testid="conversation-header"
        className="flex items-center gap-2 border-b border-slate-200 px-2 py-2 md:gap-3 md:px-4 dark:border-slate-800"
      >
        <Link
          to="/chats"
          aria-label="Back to chats"
          className="inline-flex size-11 shrink-0 items-center justify-center rounded-md text-xl text-indigo-700 hover:bg-slate-100 md:hidden dark:text-indigo-300 dark:hover:bg-slate-800"
        >
          <span aria-hidden>←</span>
        </Link>
        {conversation && <ConversationAvatar conversation={conversation} size="sm" />}
        {friend && <PresenceDot userId={friend.id} />}
        <div className="min-w-0 flex-1">
          <h2 className="truncate font-semibold" data-testid="conversation-title">
            {friend ? (
              <>
                <Link to={`/people/${friend.id}`} className="hover:underline">
                  {title}
                </Link>{' '}
                <BotBadge isBot={friend.isBot} />
              </>
            ) : (
              title
            )}
          </h2>
          <p className="flex min-w-0 gap-2 text-xs text-slate-600 dark:text-slate-300">
            {friend && handle(friend) && <span className="truncate">{handle(friend)}</span>}
            {friend && <PresenceLine userId={friend.id} />}
            {isGroup && <span className="truncate">{members.length + 1} members</span>}
            {muted && <span data-testid="muted">Muted</span>}
          </p>
        </div>
        <DropdownMenu.Root modal={false}>
          <DropdownMenu.Trigger
            aria-label="Conversation options"
            className="inline-flex size-11 shrink-0 items-center justify-center rounded-md text-xl hover:bg-slate-100 md:size-9 dark:hover:bg-slate-800"
          >
            <span aria-hidden>⋯</span>
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content align="end" sideOffset={4} collisionPadding={8} className={menuClass}>
              {isGroup && (
                <DropdownMenu.CheckboxItem
                  className={itemClass}
                  checked={showMembers}
                  onSelect={() => setShowMembers((open) => !open)}
                >
                  Members
                </DropdownMenu.CheckboxItem>
              )}
              <DropdownMenu.CheckboxItem
                className={itemClass}
                checked={muted}
                onSelect={() => mute.mutate({ conversationId, muted: !muted })}
              >
                Mute
              </DropdownMenu.CheckboxItem>
              <DropdownMenu.Item
                className={`${itemClass} text-rose-700 dark:text-rose-400`}
                onSelect={deleteForMe}
              >
                Delete for me
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      </header>
      {isGroup && showMembers && <GroupPanel key={conversation.name} conversation={conversation} />}
    </>
  );
}
