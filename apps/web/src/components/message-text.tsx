import type { ComponentPropsWithoutRef } from 'react';
import Markdown, { defaultUrlTransform } from 'react-markdown';
import remarkBreaks from 'remark-breaks';
import { remarkAutolink } from '../lib/remark-autolink';

/**
 * The Markdown people use in chat, and nothing more: bold, italics, inline and block code, links,
 * line breaks. Raw HTML in a message is dropped, never rendered; everything else (headings,
 * images, lists, tables) shows as its plain text.
 */
const ALLOWED = ['p', 'br', 'strong', 'em', 'code', 'pre', 'a'];

/** Only web and mail links; react-markdown already blanks `javascript:` and other schemes. */
function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  return /^(https?:|mailto:)/i.test(cleaned) ? cleaned : '';
}

function Link({ href, children }: ComponentPropsWithoutRef<'a'>) {
  if (!href) return <>{children}</>;
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer nofollow"
      className="underline underline-offset-2"
    >
      {children}
    </a>
  );
}

export function MessageText({ body, className }: { body: string; className?: string }) {
  return (
    <div className={className} data-testid="message-body">
      <Markdown
        allowedElements={ALLOWED}
        unwrapDisallowed
        skipHtml
        urlTransform={safeUrl}
        remarkPlugins={[remarkBreaks, remarkAutolink]}
        components={{
          a: Link,
          // remark-breaks turns each newline into <br>: pre-wrap on top of it would double them.
          p: ({ children }) => <p className="break-words">{children}</p>,
          code: ({ children }) => (
            <code className="rounded bg-black/10 px-1 font-mono text-[0.9em]">{children}</code>
          ),
          pre: ({ children }) => <pre className="my-1 overflow-x-auto whitespace-pre-wrap">{children}</pre>,
        }}
      >
        {body}
      </Markdown>
    </div>
  );
}

/** A message as one line of plain text (chat-list previews): the Markdown read, its marks dropped. */
export function PlainText({ body }: { body: string }) {
  return (
    <Markdown allowedElements={[]} unwrapDisallowed skipHtml>
      {body}
    </Markdown>
  );
}
