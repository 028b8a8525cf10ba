import { useAppDispatch } from '../store';
import { queued, retried, type PendingAttachment } from '../store/outbox';
import { newClientId } from './ids';

/**
 * Sending in one conversation: a message joins the outbox, shows at once from there, and stays
 * until the server has it; the outbox sender (`outbox-sender.ts`) sends it as soon as it can,
 * offline or not, with its files (uploaded first if they could not be yet). A refused one is retried under the same clientId. (The typing signal is
 * use-typing-signal.ts.)
 */
export function useSendMessage(conversationId: string) {
  const dispatch = useAppDispatch();

  return {
    send: (body: string, replyToId?: number, attachments: PendingAttachment[] = []) => {
      const clientId = newClientId();
      dispatch(
        queued({
          clientId,
          conversationId,
          body,
          createdAt: new Date().toISOString(),
          ...(replyToId === undefined ? {} : { replyToId }),
          ...(attachments.length === 0 ? {} : { attachments }),
        }),
      );
    },
    // Sends are idempotent on clientId, so a retry can never store a double.
    retry: (clientId: string) => dispatch(retried(clientId)),
  };
}

export type MessageSender = ReturnType<typeof useSendMessage>;
