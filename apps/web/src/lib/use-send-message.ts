import type { Message } from '@pigeon/schema';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { useAppDispatch, useAppStore } from '../store';
import { failed, pendingById, queued, retried } from '../store/outbox';
import { applyStoredMessage } from './message-cache';
import { newClientId } from './ids';
import { useTRPC } from './trpc';

/** A typing signal lasts 6 s; renewing it every 3 s while typing keeps it steady without chatter. */
const TYPING_RENEW_MS = 3_000;

/**
 * Sending in one conversation: a message shows at once from the outbox and stays there until the
 * server has it; a failed one is retried under the same clientId. And the typing signal, which a
 * send ends.
 */
export function useSendMessage(conversationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dispatch = useAppDispatch();
  const store = useAppStore();
  // Sends are idempotent on clientId, so a retry after a failure can never store a double.
  const send = useMutation(
    trpc.messages.send.mutationOptions({
      onSuccess: (message: Message) => applyStoredMessage({ queryClient, trpc, store }, message),
      onError: (_error, variables) => dispatch(failed(variables.clientId)),
    }),
  );
  const typing = useMutation(trpc.conversations.typing.mutationOptions());
  const lastTyping = useRef(0);

  const deliver = (clientId: string, body: string, replyToId?: number) => {
    lastTyping.current = 0; // the message ends the signal on the other side; typing again renews it
    send.mutate({ conversationId, body, clientId, ...(replyToId === undefined ? {} : { replyToId }) });
  };

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
      deliver(clientId, body, replyToId);
    },
    retry: (clientId: string) => {
      const message = pendingById(store.getState().outbox, clientId);
      if (!message) return;
      dispatch(retried(clientId));
      deliver(clientId, message.body, message.replyToId);
    },
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
