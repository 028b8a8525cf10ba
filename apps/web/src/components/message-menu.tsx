import * as ContextMenu from '@radix-ui/react-context-menu';
import { REACTIONS, type Message } from '@pigeon/schema';
import { useRef } from 'react';
import { focusComposer } from '../lib/focus-composer';
import { useFocusBack } from '../lib/use-focus-back';
import { reactedWith, type MessageActionHandlers } from './message-actions';

const itemClass =
  'flex min-h-8 cursor-default items-center rounded px-2 text-sm outline-none select-none data-highlighted:bg-slate-100 pointer-coarse:min-h-11 dark:data-highlighted:bg-slate-800';
const reactionClass =
  'flex min-h-8 min-w-8 cursor-default items-center justify-center rounded text-base outline-none select-none data-highlighted:bg-slate-100 aria-checked:bg-indigo-100 pointer-coarse:min-h-11 pointer-coarse:min-w-11 dark:data-highlighted:bg-slate-800 dark:aria-checked:bg-indigo-900';

/**
 * Everything one can do with a message, as an accessible menu (role=menu, arrow keys, typeahead,
 * Escape closes and gives focus back to the message at once, so the next key reaches it): react, reply, and for one's own, edit and
 * delete; and copy its text. Rendered inside the message's `ContextMenu.Root`.
 */
export function MessageMenu({
  message,
  mine,
  meId,
  handlers,
}: {
  message: Message;
  mine: boolean;
  meId: string | undefined;
  handlers: MessageActionHandlers;
}) {
  // Reply and Edit send focus to the composer; the menu must not take it back to the message.
  const toComposer = useRef(false);
  const thenCompose = (act: () => void) => () => {
    toComposer.current = true;
    act();
  };
  const { rememberFocus, giveFocusBack, keepFocusElsewhere, giveFocusBackIfLost } = useFocusBack();
  const thenBack = (act: () => void) => () => {
    act();
    giveFocusBack();
  };
  return (
    <ContextMenu.Portal>
      <ContextMenu.Content
        aria-label="Message actions"
        collisionPadding={8}
        className="z-50 min-w-44 rounded-md border border-slate-200 bg-white p-1 text-slate-900 shadow-lg dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        ref={rememberFocus}
        onEscapeKeyDown={giveFocusBack}
        onInteractOutside={keepFocusElsewhere}
        onCloseAutoFocus={(e) => {
          // Radix would restore focus here, a task after the menu closed: by then a key pressed
          // at once has gone to <body>, or a menu opened since would lose focus and close.
          e.preventDefault();
          if (toComposer.current) {
            toComposer.current = false;
            focusComposer();
          } else {
            giveFocusBackIfLost();
          }
        }}
      >
        {!message.deletedAt && (
          <ContextMenu.Group aria-label="Reactions" className="flex gap-0.5 pb-1">
            {REACTIONS.map((emoji) => {
              const on = reactedWith(message, meId, emoji);
              return (
                <ContextMenu.CheckboxItem
                  key={emoji}
                  className={reactionClass}
                  checked={on}
                  aria-label={`React ${emoji}`}
                  onSelect={thenBack(() => handlers.onReact(message, emoji, !on))}
                >
                  {emoji}
                </ContextMenu.CheckboxItem>
              );
            })}
          </ContextMenu.Group>
        )}
        <ContextMenu.Item className={itemClass} onSelect={thenCompose(() => handlers.onReply(message))}>
          Reply
        </ContextMenu.Item>
        {/* Selecting text is fiddly on a touch screen (and a long-press opens this menu instead). */}
        <ContextMenu.Item
          className={itemClass}
          onSelect={thenBack(() => void navigator.clipboard.writeText(message.body).catch(() => undefined))}
        >
          Copy text
        </ContextMenu.Item>
        {mine && !message.deletedAt && (
          <>
            <ContextMenu.Item className={itemClass} onSelect={thenCompose(() => handlers.onEdit(message))}>
              Edit
            </ContextMenu.Item>
            <ContextMenu.Item
              className={`${itemClass} text-rose-700 dark:text-rose-400`}
              onSelect={thenBack(() => handlers.onDelete(message))}
            >
              Delete for everyone
            </ContextMenu.Item>
          </>
        )}
      </ContextMenu.Content>
    </ContextMenu.Portal>
  );
}
