import type { PublicUser } from '@pigeon/schema';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { BotBadge } from '../bot-badge';
import { PresenceDot } from '../presence';
import { handle, personName } from '../../lib/names';
import { Avatar } from '../avatar';

/** Someone in one of the people lists: their name (a link to their card) and what one can do. */
export function PersonRow({
  user,
  presence = false,
  children,
}: {
  user: PublicUser;
  /** Friends only: nobody else's presence is known. */
  presence?: boolean;
  children?: ReactNode;
}) {
  return (
    <li className="flex items-center justify-between gap-3 py-1.5">
      <span className="flex min-w-0 items-center gap-2">
        {presence && <PresenceDot userId={user.id} />}
        <Avatar name={personName(user)} seed={user.id} src={user.avatarUrl} size="sm" />
        <Link to={`/people/${user.id}`} className="truncate hover:underline">
          {personName(user)}
        </Link>
        {handle(user) && (
          <span className="truncate text-xs text-slate-600 dark:text-slate-300">{handle(user)}</span>
        )}
        <BotBadge isBot={user.isBot} />
      </span>
      <span className="flex shrink-0 gap-2">{children}</span>
    </li>
  );
}

/** What an empty list says instead. */
export function EmptyNote({ children }: { children: string }) {
  return <p className="text-sm text-slate-500 dark:text-slate-400">{children}</p>;
}
