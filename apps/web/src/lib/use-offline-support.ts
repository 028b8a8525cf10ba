import type { PigeonClient } from '@pigeon/client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useAppSelector, type AppStore } from '../store';
import { applyStoredMessage } from './message-cache';
import { keepOutbox } from './outbox-storage';
import { startOutboxSender } from './outbox-sender';
import { keepQueries } from './query-persistence';
import { uploadQueuedFiles } from './send-with-attachments';
import { useTRPC } from './trpc';

/**
 * While signed in: the outbox is kept on the device and sent whenever the server can be
 * reached, in order; and a copy of the last-seen conversations is kept for the next start.
 */
export function useOfflineSupport(client: PigeonClient, store: AppStore): void {
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const userId = useAppSelector((s) => s.session.userId);
  useEffect(() => {
    if (!userId) return;
    const stopKeeping = keepOutbox(store, userId);
    const stopKeepingQueries = keepQueries(queryClient, trpc, store, userId);
    const stopSending = startOutboxSender({
      store,
      uploadFiles: (message) => uploadQueuedFiles(store, client.$session, message),
      send: ({ conversationId, body, clientId, replyToId }, attachmentIds) =>
        client.messages.send.mutate({
          conversationId,
          body,
          clientId,
          ...(replyToId === undefined ? {} : { replyToId }),
          ...(attachmentIds.length === 0 ? {} : { attachmentIds }),
        }),
      onStored: (message) => applyStoredMessage({ queryClient, trpc, store }, message),
    });
    return () => {
      stopSending();
      stopKeeping();
      stopKeepingQueries();
    };
  }, [client, store, queryClient, trpc, userId]);
}
