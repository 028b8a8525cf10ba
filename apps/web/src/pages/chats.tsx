import type { Conversation, Message, PublicUser } from '@pigeon/schema';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { Composer } from '../components/composer';
import { Button } from '../components/button';
import { ConversationList, conversationTitle } from '../components/conversation-list';
import { GroupPanel } from '../components/group-panel';
import { NewGroupForm } from '../components/new-group';
import { MessageList } from '../components/message-list';
import { PresenceDot, PresenceLine } from '../components/presence';
import { TypingLine } from '../components/typing-line';
import { Spinner } from '../components/spinner';
import { applyStoredMessage, HISTORY_PAGE } from '../lib/events';
import { newClientId } from '../lib/ids';
import { useMe, useMyId } from '../lib/me';
import { chatRows } from '../lib/messages';
import { useTRPC } from '../lib/trpc';
import { useMessageActions } from '../lib/use-message-actions';
import { useAppDispatch, useAppSelector, useAppStore } from '../store';
import { failed, pendingById, pendingIn, queued, retried } from '../store/outbox';

const titleOf = (conversation: Conversation | undefined) =>
  conversation ? conversationTitle(conversation) : '';

export default function ChatsPage() {
  const { conversationId } = useParams();
  const trpc = useTRPC();
  const myId = useMyId();
  const conversations = useQuery(trpc.conversations.list.queryOptions());
  const [creatingGroup, setCreatingGroup] = useState(false);

  return (
    <div className="flex h-full">
      <aside
        aria-label="Your conversations"
        className={`w-full shrink-0 overflow-y-auto border-r border-slate-200 md:block md:w-80 dark:border-slate-800 ${conversationId ? 'hidden' : 'block'}`}
      >
        <div className="flex items-center justify-between px-4 pt-4 pb-2">
          <h1 className="text-lg font-semibold">Chats</h1>
          {!creatingGroup && (
            <Button className="text-xs" onClick={() => setCreatingGroup(true)}>
              New group
            </Button>
          )}
        </div>
        {creatingGroup && <NewGroupForm onDone={() => setCreatingGroup(false)} />}
        {conversations.isPending ? (
          <Spinner label="Loading conversations" />
        ) : (
          <ConversationList conversations={conversations.data ?? []} meId={myId} />
        )}
      </aside>
      <section className={`min-w-0 flex-1 flex-col ${conversationId ? 'flex' : 'hidden md:flex'}`}>
        {conversationId ? (
          <ConversationView
            key={conversationId}
            conversationId={conversationId}
            conversation={conversations.data?.find((c) => c.id === conversationId)}
          />
        ) : (
          <p className="m-auto p-8 text-slate-500 dark:text-slate-400">Pick a conversation.</p>
        )}
      </section>
    </div>
  );
}

/** A typing signal lasts 6 s; renewing it every 3 s while typing keeps it steady without chatter. */
const TYPING_RENEW_MS = 3_000;

const NO_MEMBERS: PublicUser[] = [];

function ConversationView({
  conversationId,
  conversation,
}: {
  conversationId: string;
  conversation: Conversation | undefined;
}) {
  const title = titleOf(conversation);
  const members = conversation?.members ?? NO_MEMBERS;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dispatch = useAppDispatch();
  const store = useAppStore();
  const me = useMe();
  const outbox = useAppSelector((s) => s.outbox);
  const isGroup = conversation?.kind === 'group';
  const [showMembers, setShowMembers] = useState(false);

  const input = { conversationId, limit: HISTORY_PAGE };
  const history = useInfiniteQuery(
    trpc.messages.history.infiniteQueryOptions(input, {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  );
  const pending = useMemo(() => pendingIn(outbox, conversationId), [outbox, conversationId]);
  const rows = useMemo(() => chatRows(history.data, pending), [history.data, pending]);

  // Sends are idempotent on clientId, so a retry after a failure can never store a double.
  const send = useMutation(
    trpc.messages.send.mutationOptions({
      onSuccess: (message: Message) => applyStoredMessage({ queryClient, trpc, store }, message),
      onError: (_error, variables) => dispatch(failed(variables.clientId)),
    }),
  );
  const deliver = (clientId: string, body: string, replyToId?: number) => {
    lastTyping.current = 0; // the message ends the signal on the other side; typing again renews it
    send.mutate({ conversationId, body, clientId, ...(replyToId === undefined ? {} : { replyToId }) });
  };
  const actions = useMessageActions();
  // Opened from a search result: show that message in its place.
  const [searchParams] = useSearchParams();
  const focusParam = Number(searchParams.get('message'));
  const focusMessageId = Number.isSafeInteger(focusParam) && focusParam > 0 ? focusParam : undefined;
  const navigate = useNavigate();
  const mute = useMutation(
    trpc.conversations.mute.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() }),
    }),
  );
  const clear = useMutation(
    trpc.conversations.clear.mutationOptions({
      onSuccess: () => {
        void queryClient.resetQueries({ queryKey: trpc.messages.history.infiniteQueryKey(input) });
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        void navigate('/chats');
      },
    }),
  );
  const names = useMemo(
    () => Object.fromEntries([...members, ...(me ? [me] : [])].map((u) => [u.id, u.username])),
    [members, me],
  );

  const typing = useMutation(trpc.conversations.typing.mutationOptions());
  const lastTyping = useRef(0);
  const onTyping = () => {
    const now = Date.now();
    if (now - lastTyping.current < TYPING_RENEW_MS) return;
    lastTyping.current = now;
    typing.mutate({ conversationId });
  };

  // Read up to the newest message from someone else, whenever this tab is actually seen.
  const { mutate: markRead } = useMutation(trpc.conversations.markRead.mutationOptions());
  const lastRead = conversation?.lastReadMessageId ?? 0;
  const newestFromOthers = useMemo(
    () =>
      history.data?.pages
        .flatMap((page) => page.messages)
        .reduce((max, m) => (m.senderId !== me?.id && m.id > max ? m.id : max), 0) ?? 0,
    [history.data, me?.id],
  );
  const marked = useRef(0);
  useEffect(() => {
    const read = () => {
      if (document.visibilityState !== 'visible') return;
      if (newestFromOthers <= Math.max(lastRead, marked.current)) return;
      marked.current = newestFromOthers;
      markRead({ conversationId, messageId: newestFromOthers });
    };
    read();
    document.addEventListener('visibilitychange', read);
    return () => document.removeEventListener('visibilitychange', read);
  }, [conversationId, newestFromOthers, lastRead, markRead]);

  const { fetchNextPage, hasNextPage, isFetchingNextPage } = history;
  const loadOlder = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  if (history.isError) {
    const gone = history.error.data?.code === 'NOT_FOUND';
    return (
      <p role="alert" className="m-auto p-8 text-rose-700 dark:text-rose-400">
        {gone ? 'You are not in this conversation (any more).' : history.error.message}
      </p>
    );
  }
  return (
    <>
      <header className="flex items-center gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <Link to="/chats" className="text-sm text-indigo-700 underline md:hidden dark:text-indigo-300">
          Back
        </Link>
        {!isGroup && members.length === 1 && members[0] && <PresenceDot userId={members[0].id} />}
        <div className="min-w-0">
          <h2 className="truncate font-semibold">
            {!isGroup && members.length === 1 && members[0] ? (
              <Link to={`/people/${members[0].id}`} className="hover:underline">
                {title}
              </Link>
            ) : (
              title
            )}
          </h2>
          {!isGroup && members.length === 1 && members[0] && <PresenceLine userId={members[0].id} />}
        </div>
        {isGroup && (
          <button
            type="button"
            aria-expanded={showMembers}
            className="ml-auto shrink-0 rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            onClick={() => setShowMembers((open) => !open)}
          >
            Members
          </button>
        )}
        <button
          type="button"
          aria-pressed={conversation?.muted ?? false}
          className={`${isGroup ? '' : 'ml-auto'} shrink-0 rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 aria-pressed:bg-slate-200 dark:border-slate-700 dark:hover:bg-slate-800 dark:aria-pressed:bg-slate-700`}
          onClick={() => mute.mutate({ conversationId, muted: !(conversation?.muted ?? false) })}
        >
          {conversation?.muted ? 'Muted' : 'Mute'}
        </button>
        <button
          type="button"
          className="shrink-0 rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
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
      {history.isPending ? (
        <Spinner label="Loading messages" />
      ) : (
        <MessageList
          rows={rows}
          meId={me?.id}
          seenUpTo={conversation?.seenUpTo ?? null}
          hasOlder={hasNextPage}
          loadingOlder={isFetchingNextPage}
          onLoadOlder={loadOlder}
          onRetry={(clientId) => {
            const message = pendingById(outbox, clientId);
            if (!message) return;
            dispatch(retried(clientId));
            deliver(clientId, message.body, message.replyToId);
          }}
          actions={actions.handlers}
          names={names}
          showSenders={isGroup}
          focusMessageId={focusMessageId}
        />
      )}
      <TypingLine conversationId={conversationId} members={members} />
      {actions.error && (
        <p role="alert" className="px-4 text-sm text-rose-700 dark:text-rose-400">
          {actions.error}
        </p>
      )}
      <Composer
        key={actions.editing ? `edit-${actions.editing.id}` : 'new'}
        label={`Message ${title}`}
        initialBody={actions.editing?.body}
        context={
          actions.editing
            ? { label: 'Editing your message', onCancel: actions.cancel }
            : actions.replyingTo
              ? {
                  label: `Replying to ${names[actions.replyingTo.senderId] ?? 'someone'}: ${actions.replyingTo.body.slice(0, 80)}`,
                  onCancel: actions.cancel,
                }
              : undefined
        }
        onTyping={onTyping}
        onSend={(body) => {
          if (actions.finishEdit(body)) return;
          const clientId = newClientId();
          const replyToId = actions.replyingTo?.id;
          dispatch(
            queued({
              clientId,
              conversationId,
              body,
              createdAt: new Date().toISOString(),
              ...(replyToId === undefined ? {} : { replyToId }),
            }),
          );
          deliver(clientId, body, replyToId);
          actions.cancel();
        }}
      />
    </>
  );
}
