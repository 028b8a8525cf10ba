import { conversationMembers, messages, type Database } from '@pigeon/db';
import type { SearchMessagesOutput } from '@pigeon/schema';
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { prefixTsQuery } from './search-query';
import { messageViews } from './views';

// Markers that cannot occur in text a person typed: the snippet is split on them into parts,
// so highlighting never goes through HTML.
const START = '\u0001';
const STOP = '\u0002';
/** Stands in for "<" while PostgreSQL makes the snippet: its parser would take `<b>` for markup and drop it. */
const LT = '\u0003';
const SHORT_MESSAGE = 280;

function toParts(headline: string): SearchMessagesOutput['results'][number]['snippet'] {
  const parts: SearchMessagesOutput['results'][number]['snippet'] = [];
  for (const [i, chunk] of headline.split(new RegExp(`[${START}${STOP}]`)).entries()) {
    if (chunk) parts.push({ text: chunk.replaceAll(LT, '<'), match: i % 2 === 1 });
  }
  return parts;
}

/**
 * Full-text search over the viewer's own conversations (what they can still see: not deleted,
 * not cleared for them), newest first, with highlighted snippets. Words match as prefixes, as
 * people type (see search-query.ts), optionally within one conversation and from one sender.
 */
export async function searchMessages(
  db: Database,
  viewerId: string,
  input: {
    query: string;
    conversationId?: string | undefined;
    senderId?: string | undefined;
    cursor?: number | undefined;
    limit: number;
  },
): Promise<SearchMessagesOutput> {
  const tsquery = prefixTsQuery(input.query);
  if (tsquery === null) return { results: [], nextCursor: null };
  const query = sql`to_tsquery('simple', ${tsquery})`;
  const rows = await db
    .select({
      message: messages,
      // Short messages come back whole; long ones as up to two fragments around the matches.
      headline: sql<string>`ts_headline('simple', replace(${messages.body}, '<', ${LT}), ${query},
        case when length(${messages.body}) <= ${SHORT_MESSAGE} then ${`StartSel=${START}, StopSel=${STOP}, HighlightAll=true`}
        else ${`StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter= … `} end)`,
    })
    .from(messages)
    .innerJoin(
      conversationMembers,
      and(
        eq(conversationMembers.conversationId, messages.conversationId),
        eq(conversationMembers.userId, viewerId),
      ),
    )
    .where(
      and(
        sql`to_tsvector('simple', ${messages.body}) @@ ${query}`,
        isNull(messages.deletedAt),
        input.conversationId === undefined ? undefined : eq(messages.conversationId, input.conversationId),
        input.senderId === undefined ? undefined : eq(messages.senderId, input.senderId),
        gt(messages.id, sql`coalesce(${conversationMembers.clearedUpToMessageId}, 0)`),
        input.cursor === undefined ? undefined : lt(messages.id, input.cursor),
      ),
    )
    .orderBy(desc(messages.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const views = await messageViews(
    db,
    page.map((r) => r.message),
  );
  const last = page.at(-1);
  return {
    results: views.map((message, i) => ({ message, snippet: toParts(page[i]?.headline ?? message.body) })),
    nextCursor: rows.length > input.limit && last ? last.message.id : null,
  };
}
