import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { Button } from '../components/button';
import { ConversationView } from '../components/conversation/conversation-view';
import { ConversationList } from '../components/conversation-list';
import { NewGroupForm } from '../components/new-group';
import { Spinner } from '../components/spinner';
import { useMyId } from '../lib/me';
import { useTRPC } from '../lib/trpc';

/** The chats screen: the conversation list, and the open conversation beside it (one at a time on a phone). */
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
