import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';

interface ParserData {
  micromarkExtensions?: unknown[];
  fromMarkdownExtensions?: unknown[];
}

/**
 * Bare URLs, `www.` addresses and emails become links, by GitHub's autolink rules (the part of
 * remark-gfm that does only this: tables, strikethrough and the rest stay off). The links then
 * pass the same `safeUrl` check as written ones.
 */
export function remarkAutolink(this: unknown) {
  // unified calls a plugin with its processor as `this`; its data holds the parser's extensions.
  const data = (this as { data: () => ParserData }).data();
  (data.micromarkExtensions ??= []).push(gfmAutolinkLiteral());
  (data.fromMarkdownExtensions ??= []).push(gfmAutolinkLiteralFromMarkdown());
}
