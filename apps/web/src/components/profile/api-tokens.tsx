import { limits, type ApiTokenScope, type CreatedApiToken } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type SubmitEvent } from 'react';
import { formText } from '../../lib/form';
import { fullTime } from '../../lib/time';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { Field, inputClass } from '../field';

/** Choices of lifetime, in days; null never expires. */
const LIFETIMES: { label: string; days: number | null }[] = [
  { label: '30 days', days: 30 },
  { label: '7 days', days: 7 },
  { label: '90 days', days: 90 },
  { label: `${limits.apiTokenLifetimeDays.max} days`, days: limits.apiTokenLifetimeDays.max },
  { label: 'Never', days: null },
];

const SCOPE_LABELS: Record<ApiTokenScope, string> = { read: 'read only', write: 'read and write' };

/**
 * Personal API tokens (of the viewer, or of one of their bots): make one, whose secret is shown
 * once to copy; see the live ones; revoke any. `owner` names whose tokens these are, for labels.
 */
export function ApiTokens({ botId, owner }: { botId?: string; owner: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = useId();
  const input = botId === undefined ? undefined : { botId };
  const tokens = useQuery(trpc.tokens.list.queryOptions(input));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey(input) });
    void queryClient.invalidateQueries({ queryKey: trpc.bots.list.queryKey() });
  };
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: (answer) => {
        setCreated(answer);
        setError(null);
        refresh();
      },
      onError: (err) => setError(err.message),
    }),
  );
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({ onSuccess: refresh, onError: (err) => setError(err.message) }),
  );
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const lifetime = LIFETIMES[Number(formText(form, 'lifetime'))] ?? LIFETIMES[0];
    create.mutate({
      name: formText(form, 'name'),
      scope: formText(form, 'scope') === 'read' ? 'read' : 'write',
      expiresInDays: lifetime?.days ?? null,
      ...(botId === undefined ? {} : { botId }),
    });
    form.reset();
  };
  return (
    <div className="space-y-3">
      {created && <NewSecret created={created} onDone={() => setCreated(null)} />}
      <ul aria-label={`API tokens of ${owner}`} className="divide-y divide-slate-100 dark:divide-slate-800">
        {tokens.data?.map((t) => (
          <li key={t.id} className="flex items-center justify-between gap-3 py-2">
            <span className="min-w-0">
              <span className="font-medium">{t.name}</span>{' '}
              <span className="text-xs text-slate-600 dark:text-slate-300">({SCOPE_LABELS[t.scope]})</span>
              <span className="block text-xs text-slate-600 dark:text-slate-300">
                <code>{t.hint}…</code> · made {fullTime(t.createdAt)} ·{' '}
                {t.expiresAt ? `expires ${fullTime(t.expiresAt)}` : 'never expires'} ·{' '}
                {t.lastUsedAt ? `last used ${fullTime(t.lastUsedAt)}` : 'never used'}
              </span>
            </span>
            <Button onClick={() => revoke.mutate({ tokenId: t.id })} aria-label={`Revoke ${t.name}`}>
              Revoke
            </Button>
          </li>
        ))}
      </ul>
      {tokens.data?.length === 0 && (
        <p className="text-sm text-slate-500 dark:text-slate-400">No API tokens.</p>
      )}
      <form noValidate onSubmit={submit} className="grid gap-3 sm:grid-cols-3 sm:items-end">
        <Field
          id={`${ids}-name`}
          name="name"
          label="Token name"
          required
          maxLength={limits.apiTokenName.max}
          autoComplete="off"
        />
        <div>
          <label htmlFor={`${ids}-scope`} className="text-sm font-medium">
            Access
          </label>
          <select id={`${ids}-scope`} name="scope" className={inputClass} defaultValue="write">
            <option value="write">Read and write</option>
            <option value="read">Read only</option>
          </select>
        </div>
        <div>
          <label htmlFor={`${ids}-lifetime`} className="text-sm font-medium">
            Expires after
          </label>
          <select id={`${ids}-lifetime`} name="lifetime" className={inputClass} defaultValue="0">
            {LIFETIMES.map((l, i) => (
              <option key={l.label} value={i}>
                {l.label}
              </option>
            ))}
          </select>
        </div>
        <Button
          type="submit"
          variant="primary"
          disabled={create.isPending}
          className="sm:col-span-3 sm:justify-self-start"
        >
          Create token
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

/** The new token's secret, shown this once, with a copy button. */
function NewSecret({ created, onDone }: { created: CreatedApiToken; onDone: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(created.secret);
    setCopied(true);
  };
  return (
    <div role="status" className="rounded-md border border-emerald-300 p-3 dark:border-emerald-800">
      <label htmlFor={id} className="text-sm font-medium">
        Your new token “{created.token.name}”. Copy it now: it will not be shown again.
      </label>
      <input
        id={id}
        readOnly
        value={created.secret}
        onFocus={(e) => e.currentTarget.select()}
        className={`${inputClass} font-mono text-sm`}
      />
      <div className="mt-2 flex gap-2">
        <Button variant="primary" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button onClick={onDone}>Done</Button>
      </div>
    </div>
  );
}
