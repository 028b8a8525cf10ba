import { messages, type Database } from '@pigeon/db';
import type { HistoryOutput } from '@pigeon/schema';
import { and, desc, eq, gt, lt } from 'drizzle-orm';
import { requireMembership } from './membership';
import { messageViews } from './views';

export async function messageHistory(
  db: Database,
  viewerId: string,
  input: { conversationId: string; cursor?: number | undefined; limit: number },
): Promise<HistoryOutput> {
  const { clearedUpTo } = await requireMembership(db, viewerId, input.conversationId);
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, input.conversationId),
        input.cursor === undefined ? undefined : lt(messages.id, input.cursor),
        clearedUpTo > 0 ? gt(messages.id, clearedUpTo) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const oldest = page.at(-1);
  return {
    messages: await messageViews(db, page),
    nextCursor: rows.length > input.limit && oldest ? oldest.id : null,
  };
}
