import type { Conversation } from '@pigeon/schema';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { historyKey } from '../../lib/history';
import { useTRPC } from '../../lib/trpc';
import { conversationTitle } from '../../lib/conversation-labels';
import { GroupPanel } from '../group-panel';
import { PresenceDot, PresenceLine } from '../presence';

const smallButton =
  'shrink-0 rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800';

/**
 * Who the conversation is with (a friend's presence, or a group's members on request), and what
 * one can do with it as a whole: mute it, or delete it for oneself.
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

  return (
    <>
      <header className="flex items-center gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <Link to="/chats" className="text-sm text-indigo-700 underline md:hidden dark:text-indigo-300">
          Back
        </Link>
        {friend && <PresenceDot userId={friend.id} />}
        <div className="min-w-0">
          <h2 className="truncate font-semibold">
            {friend ? (
              <Link to={`/people/${friend.id}`} className="hover:underline">
                {title}
              </Link>
            ) : (
              title
            )}
          </h2>
          {friend && <PresenceLine userId={friend.id} />}
        </div>
        {isGroup && (
          <button
            type="button"
            aria-expanded={showMembers}
            className={`ml-auto ${smallButton}`}
            onClick={() => setShowMembers((open) => !open)}
          >
            Members
          </button>
        )}
        <button
          type="button"
          aria-pressed={muted}
          className={`${isGroup ? '' : 'ml-auto'} ${smallButton} aria-pressed:bg-slate-200 dark:aria-pressed:bg-slate-700`}
          onClick={() => mute.mutate({ conversationId, muted: !muted })}
        >
          {muted ? 'Muted' : 'Mute'}
        </button>
        <button
          type="button"
          className={smallButton}
          onClick={() => {
            if (
              window.confirm(
                `Delete this conversation for you? ${isGroup ? 'The others keep theirs' : 'The other person keeps their copy'}.`,
              )
            ) {
              clear.mutate({ conversationId });
            }
          }}
        >
          Delete for me
        </button>
      </header>
      {isGroup && showMembers && <GroupPanel key={conversation.name} conversation={conversation} />}
    </>
  );
}
