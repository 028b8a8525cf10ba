import { limits } from '@pigeon/schema';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { COMPOSER_ID, focusComposer } from '../lib/focus-composer';
import type { AttachmentDrafts } from '../lib/use-attachment-drafts';
import { AttachButtons } from './attachments/attach-buttons';
import { AttachmentChips } from './attachments/attachment-chips';

/**
 * Enter sends, Shift+Enter starts a new line; ↑ in an empty box edits your last message.
 * `onTextChange` hears every edit of the text (the typing signal). With `attachments`, files
 * can be attached (button, camera, paste) and a message may be files alone.
 */
export function Composer({
  onSend,
  onTextChange,
  onEditLast,
  label,
  initialBody = '',
  context,
  focusOnMount = false,
  focusRequest = 0,
  attachments,
}: {
  onSend: (body: string) => void;
  onTextChange?: ((text: string) => void) | undefined;
  /** ↑ in an empty box: start editing one's last message; false when there is none. */
  onEditLast?: () => boolean;
  label: string;
  /** Text to start from (an edit); remount with a new `key` to start over. */
  initialBody?: string;
  /** What the next send does besides a plain message (a reply, an edit), with a way out. */
  context?: { label: string; onCancel: () => void } | undefined;
  /** Take focus when shown (not on a touch screen unasked: it would pop the keyboard). */
  focusOnMount?: boolean;
  /** Take focus, caret at the end, whenever this number changes (Reply, Edit). */
  focusRequest?: number;
  /** The files chosen for the next message; none can be attached without. */
  attachments?: AttachmentDrafts | undefined;
}) {
  const [body, setBody] = useState(initialBody);
  const tooLong = body.length > limits.messageBody.max;
  const mounted = useRef(false);
  useEffect(() => {
    const first = !mounted.current;
    mounted.current = true;
    if (!first || focusOnMount) focusComposer();
    // focusOnMount only counts on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest]);

  const change = (text: string) => {
    setBody(text);
    onTextChange?.(text);
  };
  const hasFiles = (attachments?.ready ?? 0) > 0;
  const canSend = !tooLong && !attachments?.blocked && (body.trim().length > 0 || hasFiles);
  const send = () => {
    if (!canSend) return;
    onSend(body);
    setBody('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape' && context) {
      e.preventDefault();
      context.onCancel();
      return;
    }
    if (e.key === 'ArrowUp' && body.length === 0 && !context && onEditLast?.()) {
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };
  return (
    <div className="border-t border-slate-200 dark:border-slate-800">
      {attachments && <AttachmentChips drafts={attachments} />}
      {context && (
        <div
          className="flex items-center gap-2 px-3 pt-2 text-xs text-slate-700 dark:text-slate-200"
          data-testid="composer-context"
        >
          <span className="min-w-0 flex-1 truncate">{context.label}</span>
          <button type="button" className="underline" onClick={context.onCancel}>
            Cancel
          </button>
        </div>
      )}
      <form
        className="flex items-end gap-2 p-3"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label htmlFor={COMPOSER_ID} className="sr-only">
          {label}
        </label>
        <textarea
          id={COMPOSER_ID}
          rows={1}
          value={body}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
          // A pasted image (a screenshot) or copied files are attached; pasted text stays text.
          onPaste={(e) => {
            const files = [...e.clipboardData.files];
            if (!attachments || files.length === 0) return;
            e.preventDefault();
            attachments.add(files);
          }}
          placeholder="Write a message"
          aria-invalid={tooLong}
          className="max-h-40 min-h-10 flex-1 resize-none rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
        />
        {/* After the box: Shift+Tab from the box still reaches the message list in one step. */}
        {attachments && <AttachButtons onFiles={attachments.add} />}
        <button
          type="submit"
          disabled={!canSend}
          title={attachments?.blocked}
          className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          Send
        </button>
        {tooLong && (
          <p role="alert" className="sr-only">
            A message can be at most {limits.messageBody.max} characters.
          </p>
        )}
      </form>
    </div>
  );
}
