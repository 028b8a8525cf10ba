import type { Conversation } from '@pigeon/schema';
import { NavLink } from 'react-router';
import { conversationTitle, unreadLabel } from '../lib/conversation-labels';
import { shortTime } from '../lib/time';
import { BotBadge } from './bot-badge';
import { PresenceDot } from './presence';
import { PlainText } from './message-text';
import { ConversationAvatar } from './conversation-avatar';

export function ConversationList({
  conversations,
  meId,
}: {
  conversations: Conversation[];
  meId: string | undefined;
}) {
  if (conversations.length === 0) {
    return (
      <p className="p-4 text-sm text-slate-500 dark:text-slate-400">
        No conversations yet. Add a friend on the People page, then say hello.
      </p>
    );
  }
  return (
    <ul aria-label="Conversations" className="divide-y divide-slate-100 dark:divide-slate-800">
      {conversations.map((c) => (
        <li key={c.id}>
          <NavLink
            to={`/chats/${c.id}`}
            className={({ isActive }) =>
              `block px-4 py-3 hover:bg-slate-50 dark:hover:bg-slate-900 ${isActive ? 'bg-indigo-50 dark:bg-indigo-950' : ''}`
            }
          >
            <span className="flex items-center gap-3">
              <ConversationAvatar conversation={c} />
              <span className="min-w-0 flex-1">
                <span className="flex items-baseline justify-between gap-2">
                  <span className="flex min-w-0 items-center gap-2">
                    {c.kind === 'direct' && c.members[0] && <PresenceDot userId={c.members[0].id} />}
                    <span className="truncate font-medium">{conversationTitle(c)}</span>
                    {c.kind === 'direct' && <BotBadge isBot={c.members[0]?.isBot ?? false} />}
                  </span>
                  {c.lastMessage && (
                    <time
                      dateTime={c.lastMessage.createdAt}
                      className="shrink-0 text-xs text-slate-600 dark:text-slate-300"
                    >
                      {shortTime(c.lastMessage.createdAt)}
                    </time>
                  )}
                </span>
                <span className="flex items-center justify-between gap-2">
                  <span
                    className={`block truncate text-sm ${c.unreadCount > 0 ? 'font-semibold text-slate-900 dark:text-white' : 'text-slate-600 dark:text-slate-300'}`}
                  >
                    {c.lastMessage ? (
                      <>
                        {c.lastMessage.senderId === meId && 'You: '}
                        {c.lastMessage.deletedAt ? (
                          'Message deleted'
                        ) : (
                          <PlainText body={c.lastMessage.body} />
                        )}
                      </>
                    ) : (
                      'No messages yet'
                    )}
                  </span>
                  {c.unreadCount > 0 && (
                    <span
                      className="shrink-0 rounded-full bg-indigo-600 px-2 text-xs font-semibold text-white"
                      data-testid="unread"
                    >
                      {unreadLabel(c.unreadCount)}
                      <span className="sr-only"> unread</span>
                    </span>
                  )}
                </span>
              </span>
            </span>
          </NavLink>
        </li>
      ))}
    </ul>
  );
}
