import type { Message } from '@pigeon/schema';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MessageActionHandlers } from '../components/message-actions';
import { applyUpdatedMessage } from './message-cache';
import { useTRPC } from './trpc';

/**
 * Reply, edit, delete and react for one conversation: the mutations (their answers update the
 * cache at once; the event stream tells the other devices) and what the composer is doing.
 */
export function useMessageActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [replyingTo, setReplyingTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped by Reply and Edit: the composer takes focus, where the person will type.
  const [focusRequest, setFocusRequest] = useState(0);
  const options = {
    onSuccess: (message: Message) => {
      setError(null);
      applyUpdatedMessage({ queryClient, trpc }, message);
    },
    onError: (err: { message: string }) => setError(err.message),
  };
  const edit = useMutation(trpc.messages.edit.mutationOptions(options));
  const remove = useMutation(trpc.messages.delete.mutationOptions(options));
  const react = useMutation(trpc.messages.react.mutationOptions(options));

  const handlers: MessageActionHandlers = {
    onReply: (message) => {
      setEditing(null);
      setReplyingTo(message);
      setFocusRequest((n) => n + 1);
    },
    onEdit: (message) => {
      setReplyingTo(null);
      setEditing(message);
      setFocusRequest((n) => n + 1);
    },
    onDelete: (message) => {
      if (window.confirm('Delete this message for everyone?')) remove.mutate({ messageId: message.id });
    },
    onReact: (message, emoji, on) => react.mutate({ messageId: message.id, emoji, on }),
  };

  return {
    handlers,
    replyingTo,
    editing,
    error,
    focusRequest,
    cancel: () => {
      setReplyingTo(null);
      setEditing(null);
    },
    /** Sends the composer's text as the edit in progress; false when there is none. */
    finishEdit: (body: string): boolean => {
      if (!editing) return false;
      edit.mutate({ messageId: editing.id, body });
      setEditing(null);
      return true;
    },
  };
}
export type MessageActionsState = ReturnType<typeof useMessageActions>;
