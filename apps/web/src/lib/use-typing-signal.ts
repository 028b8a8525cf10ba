import { useMutation } from '@tanstack/react-query';
import { useMemo, useRef } from 'react';
import { useTRPC } from './trpc';

/** A typing signal lasts 6 s; renewing it every 3 s while typing keeps it steady without chatter. */
const TYPING_RENEW_MS = 3_000;

/**
 * "I am typing" for one conversation, from the composer's text: renewed while there is text,
 * stopped at once when it is cleared or the composer goes away. A sent message ends it on the
 * other screens by itself (they drop a typist whose message arrives), so a send only resets it.
 * An edit of an old message is not typing a new one: the composer does not report it.
 */
export function useTypingSignal(conversationId: string) {
  const trpc = useTRPC();
  const { mutate } = useMutation(trpc.conversations.typing.mutationOptions());
  // When the last "typing" went out; 0 while the others believe we are not typing.
  const sentAt = useRef(0);

  return useMemo(() => {
    const stop = () => {
      if (sentAt.current === 0) return;
      sentAt.current = 0;
      mutate({ conversationId, typing: false });
    };
    return {
      /** The new message's text changed. */
      changed: (text: string) => {
        if (text.trim().length === 0) {
          stop();
          return;
        }
        const now = Date.now();
        if (now - sentAt.current < TYPING_RENEW_MS) return;
        sentAt.current = now;
        mutate({ conversationId, typing: true });
      },
      /** The message was sent: its arrival ends the signal on the other side. */
      sent: () => {
        sentAt.current = 0;
      },
      stop,
    };
  }, [conversationId, mutate]);
}
