import { useMutation } from '@tanstack/react-query';
import { useRef } from 'react';
import { useAppDispatch } from '../store';
import { queued, retried } from '../store/outbox';
import { newClientId } from './ids';
import { useTRPC } from './trpc';

/** A typing signal lasts 6 s; renewing it every 3 s while typing keeps it steady without chatter. */
const TYPING_RENEW_MS = 3_000;

/**
 * Sending in one conversation: a message joins the outbox, shows at once from there, and stays
 * until the server has it; the outbox sender (`outbox-sender.ts`) sends it as soon as it can,
 * offline or not. A refused one is retried under the same clientId. And the typing signal, which
 * a send ends.
 */
export function useSendMessage(conversationId: string) {
  const trpc = useTRPC();
  const dispatch = useAppDispatch();
  const typing = useMutation(trpc.conversations.typing.mutationOptions());
  const lastTyping = useRef(0);

  return {
    send: (body: string, replyToId?: number) => {
      const clientId = newClientId();
      dispatch(
        queued({
          clientId,
          conversationId,
          body,
          createdAt: new Date().toISOString(),
          ...(replyToId === undefined ? {} : { replyToId }),
        }),
      );
      lastTyping.current = 0; // the message ends the signal on the other side; typing again renews it
    },
    // Sends are idempotent on clientId, so a retry can never store a double.
    retry: (clientId: string) => dispatch(retried(clientId)),
    /** Called on every edit that leaves text; tells the others at most once per renewal. */
    signalTyping: () => {
      const now = Date.now();
      if (now - lastTyping.current < TYPING_RENEW_MS) return;
      lastTyping.current = now;
      typing.mutate({ conversationId });
    },
  };
}

export type MessageSender = ReturnType<typeof useSendMessage>;
