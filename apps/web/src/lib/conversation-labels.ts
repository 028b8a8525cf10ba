import { limits, type Conversation } from '@pigeon/schema';
import { personName } from './names';

/* Plain functions, kept apart from the chat list's components: the tab title uses them from the
   first screen on, and must not pull the chat chunk (Markdown and all) into it. */

export function conversationTitle(conversation: Conversation): string {
  return conversation.name ?? (conversation.members.map(personName).join(', ') || 'Just you');
}

/** "3", or "99+" past the server's counting cap. */
export function unreadLabel(count: number): string {
  return count >= limits.unreadCount.max ? `${limits.unreadCount.max - 1}+` : String(count);
}
