import { limits } from '@pigeon/schema';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { Link } from 'react-router';
import { conversationTitle } from '../lib/conversation-labels';
import { Button } from '../components/button';
import { SearchField } from '../components/field';
import { SearchFilters, type SearchFilter } from '../components/search-filters';
import { shortTime } from '../lib/time';
import { useTRPC } from '../lib/trpc';

/** Search your own conversations; each result opens its conversation at that message. */
export default function SearchPage() {
  const trpc = useTRPC();
  const [text, setText] = useState('');
  const [filter, setFilter] = useState<SearchFilter>({});
  const query = useDeferredValue(text.trim());
  const conversations = useQuery(trpc.conversations.list.queryOptions());
  const results = useInfiniteQuery({
    ...trpc.messages.search.infiniteQueryOptions(
      { query, limit: 20, ...filter },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
    enabled: query.length >= 2,
  });
  const titleOf = (conversationId: string) => {
    const conversation = conversations.data?.find((c) => c.id === conversationId);
    return conversation ? conversationTitle(conversation) : 'A conversation';
  };
  const found = results.data?.pages.flatMap((p) => p.results) ?? [];

  return (
    <div className="mx-auto h-full max-w-3xl overflow-y-auto p-4">
      <h1 className="mb-3 text-xl font-semibold">Search messages</h1>
      <SearchField
        id="message-search"
        label="Search your messages"
        value={text}
        maxLength={limits.messageSearch.max}
        onChange={(e) => setText(e.target.value)}
      />
      <SearchFilters conversations={conversations.data ?? []} value={filter} onChange={setFilter} />
      {results.error && (
        <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-400">
          {results.error.message}
        </p>
      )}
      {query.length >= 2 && results.isSuccess && found.length === 0 && (
        <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">No messages match.</p>
      )}
      <ul aria-label="Search results" className="mt-3 divide-y divide-slate-100 dark:divide-slate-800">
        {found.map(({ message, snippet }) => (
          <li key={message.id}>
            <Link
              to={`/chats/${message.conversationId}?message=${message.id}`}
              className="block py-2 hover:bg-slate-50 dark:hover:bg-slate-900"
            >
              <span className="flex justify-between gap-2 text-sm">
                <span className="font-medium">{titleOf(message.conversationId)}</span>
                <time dateTime={message.createdAt} className="text-xs text-slate-600 dark:text-slate-300">
                  {shortTime(message.createdAt)}
                </time>
              </span>
              <span className="block text-sm" data-testid="snippet">
                {snippet.map((part, i) =>
                  part.match ? (
                    <mark key={i} className="rounded bg-amber-200 px-0.5 text-slate-900">
                      {part.text}
                    </mark>
                  ) : (
                    <span key={i}>{part.text}</span>
                  ),
                )}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {results.hasNextPage && (
        <Button
          className="mt-3"
          onClick={() => void results.fetchNextPage()}
          disabled={results.isFetchingNextPage}
        >
          More results
        </Button>
      )}
    </div>
  );
}
