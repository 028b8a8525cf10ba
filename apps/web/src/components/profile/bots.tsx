import { username as usernameRule } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { formText } from '../../lib/form';
import { useTRPC } from '../../lib/trpc';
import { BotBadge } from '../bot-badge';
import { Button } from '../button';
import { Field } from '../field';
import { ApiTokens } from './api-tokens';

/**
 * The viewer's bots: accounts with no password that act only through the tokens made for them
 * here. People befriend and message a bot like anyone; deleting it ends its tokens at once.
 */
export function Bots() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const bots = useQuery(trpc.bots.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.bots.list.queryKey() });
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.bots.create.mutationOptions({
      onSuccess: () => {
        setError(null);
        void refresh();
      },
      onError: (err) => setError(err.message),
    }),
  );
  const remove = useMutation(
    trpc.bots.delete.mutationOptions({ onSuccess: refresh, onError: (err) => setError(err.message) }),
  );
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = usernameRule.safeParse(formText(form, 'botName'));
    if (!name.success) {
      setError(name.error.issues[0]?.message ?? 'Choose another name.');
      return;
    }
    create.mutate({ username: name.data });
    form.reset();
  };
  return (
    <div className="space-y-3">
      <ul aria-label="Your bots" className="space-y-2">
        {bots.data?.map((bot) => (
          <li key={bot.id} className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
            <div className="flex items-center justify-between gap-3">
              <span className="flex min-w-0 items-center gap-2">
                <span className="truncate font-medium">{bot.username}</span>
                <BotBadge isBot />
              </span>
              <Button
                aria-label={`Delete ${bot.username}`}
                onClick={() => {
                  if (window.confirm(`Delete ${bot.username}? Its tokens stop working at once.`)) {
                    remove.mutate({ botId: bot.id });
                  }
                }}
              >
                Delete
              </Button>
            </div>
            <details className="mt-2">
              <summary className="cursor-pointer text-sm">
                Tokens of {bot.username} ({bot.tokenCount})
              </summary>
              <div className="mt-2">
                <ApiTokens botId={bot.id} owner={bot.username} />
              </div>
            </details>
          </li>
        ))}
      </ul>
      {bots.data?.length === 0 && <p className="text-sm text-slate-500 dark:text-slate-400">No bots yet.</p>}
      <form noValidate onSubmit={submit} className="flex items-end gap-2">
        <div className="grow">
          <Field id="bot-name" name="botName" label="New bot’s username" autoComplete="off" required />
        </div>
        <Button type="submit" variant="primary" disabled={create.isPending}>
          Create bot
        </Button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {error}
        </p>
      )}
    </div>
  );
}
