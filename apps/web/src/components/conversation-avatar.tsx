import type { Conversation } from '@pigeon/schema';
import { conversationTitle } from '../lib/conversation-labels';
import { Avatar } from './avatar';

/**
 * A 1:1 chat shows the friend's avatar (their photo or colour, as everywhere); a group its own
 * photo, or initials from its name.
 */
export function ConversationAvatar({
  conversation,
  size,
}: {
  conversation: Conversation;
  size?: 'xs' | 'sm' | 'md';
}) {
  const friend = conversation.kind === 'direct' ? conversation.members[0] : undefined;
  return (
    <Avatar
      name={conversationTitle(conversation)}
      seed={friend?.id ?? conversation.id}
      src={friend ? friend.avatarUrl : conversation.avatarUrl}
      {...(size ? { size } : {})}
    />
  );
}
