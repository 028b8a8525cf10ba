import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageText, PlainText } from '../src/components/message-text';

afterEach(cleanup);

function html(body: string) {
  const { container } = render(<MessageText body={body} />);
  const root = container.querySelector('[data-testid="message-body"]');
  if (!root) throw new Error('no message body');
  return root;
}

const XSS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 1">',
  '<svg onload="window.__pwned = 1"></svg>',
  '<iframe src="javascript:window.__pwned = 1"></iframe>',
  '[click](javascript:window.__pwned=1)',
  '[click](JaVaScRiPt:window.__pwned=1)',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](vbscript:msgbox(1))',
  '![x](x" onerror="window.__pwned=1)',
  '<a href="javascript:alert(1)">x</a>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '**<b onmouseover=alert(1)>bold</b>**',
  '`<script>alert(1)</script>`',
];

describe('MessageText', () => {
  it('renders the chat subset: bold, italics, code, links and line breaks', () => {
    const root = html(
      '**bold** _it_ `x < y`\nnext line\n\n```\nblock\n```\n[site](https://example.com/a?b=1)',
    );
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect(root.querySelector('em')?.textContent).toBe('it');
    expect(root.querySelector('code')?.textContent).toBe('x < y');
    expect(root.querySelector('br')).not.toBeNull();
    expect(root.querySelector('pre code')?.textContent).toBe('block\n');
    const link = root.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('shows other Markdown as plain text, never as headings, images or lists', () => {
    const root = html('# title\n\n- item\n\n![alt](https://example.com/i.png)');
    expect(root.querySelector('h1, ul, li, img')).toBeNull();
    expect(root.textContent).toContain('title');
    expect(root.textContent).toContain('item');
  });

  it.each(XSS)('never turns %s into markup or a script link', (payload) => {
    const root = html(payload);
    expect(
      root.querySelector('script, img, svg, iframe, div[style], b, [onerror], [onload], [onmouseover]'),
    ).toBeNull();
    for (const a of root.querySelectorAll('a')) {
      expect(a.getAttribute('href') ?? '').toMatch(/^(https?:|mailto:)/);
    }
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('turns bare web addresses and emails into safe links, and only those', () => {
    const root = html(
      'see https://example.com/x?y=1, www.pigeon.chat and ada@example.com; not javascript:alert(1)',
    );
    const links = [...root.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href'), a.rel]);
    expect(links).toEqual([
      ['https://example.com/x?y=1', 'https://example.com/x?y=1', 'noopener noreferrer nofollow'],
      ['www.pigeon.chat', 'http://www.pigeon.chat', 'noopener noreferrer nofollow'],
      ['ada@example.com', 'mailto:ada@example.com', 'noopener noreferrer nofollow'],
    ]);
    expect(root.textContent).toContain('javascript:alert(1)');
    // No table, strikethrough or other GitHub extras come with the links.
    expect(html('a | b\n--|--\n1 | 2 ~~gone~~').textContent).toContain('~~gone~~');
  });
});

describe('PlainText', () => {
  it('shows a message’s text without its Markdown marks, and no markup', () => {
    const { container } = render(
      <PlainText body={'**Pigeon** is _fast_: `pnpm start` <b>x</b> [docs](https://x.y)'} />,
    );
    expect(container.textContent).toBe('Pigeon is fast: pnpm start x docs');
    expect(container.querySelector('strong, em, code, a, b')).toBeNull();
  });
});
