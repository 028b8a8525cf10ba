import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** The frame of the pages people reach from an email or while logged out: a title and a card. */
export function PublicCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex min-h-full items-center justify-center p-4">
      <main className="w-full max-w-sm">
        <p className="mb-6 text-center text-3xl font-bold text-indigo-600 dark:text-indigo-400">Pigeon</p>
        <h1 className="mb-4 text-xl font-semibold">{title}</h1>
        {children}
      </main>
    </div>
  );
}

/** A sentence that answers what the person just did: good news, or what went wrong. */
export function Notice({ ok, children }: { ok: boolean; children: ReactNode }) {
  return (
    <p
      role={ok ? 'status' : 'alert'}
      className={
        ok
          ? 'rounded-md bg-emerald-50 p-2 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200'
          : 'rounded-md bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200'
      }
    >
      {children}
    </p>
  );
}

export function BackToLogin({ label = 'Back to log in' }: { label?: string }) {
  return (
    <p className="mt-4 text-center text-sm">
      <Link to="/login" className="font-medium text-indigo-700 underline dark:text-indigo-300">
        {label}
      </Link>
    </p>
  );
}

export const primaryButton =
  'w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60';
