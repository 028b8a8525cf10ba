import type { Conversation, Message } from '@pigeon/schema';
import { personName } from './names';

/** Whether this browser can show notifications at all, and what the person said. */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function askForNotifications(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * A system notification for a message from someone else, only while this tab is hidden (when it
 * is visible the chat shows it), only with permission, and never for a muted conversation.
 */
export function notifyIfAway(
  message: Message,
  conversation: Conversation | undefined,
  meId: string | undefined,
) {
  if (message.senderId === meId || conversation?.muted) return;
  if (document.visibilityState !== 'hidden' || notificationPermission() !== 'granted') return;
  const member = conversation?.members.find((m) => m.id === message.senderId);
  const sender = member ? personName(member) : 'New message';
  // Plain text: a notification renders no Markdown, and shows at most a line or two.
  const body = message.body.replace(/[*_`]/g, '').slice(0, 140);
  const notification = new Notification(sender, { body, tag: message.conversationId });
  notification.onclick = () => {
    window.focus();
    window.location.assign(`/chats/${message.conversationId}`);
  };
}
