import type { InputHTMLAttributes } from 'react';

/** The look of a labelled text input in the app's forms (red border when marked invalid). */
export const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 aria-[invalid=true]:border-rose-500 dark:border-slate-700 dark:bg-slate-900';

const searchClass =
  'w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900';

type InputProps = InputHTMLAttributes<HTMLInputElement>;

/** A labelled input; its error, when it has one, shows under it and is tied to it for screen readers. */
export function Field({
  id,
  label,
  error,
  className,
  ...input
}: { id: string; label: string; error?: string | undefined } & InputProps) {
  const errorId = `${id}-error`;
  return (
    <div>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        className={className ? `${inputClass} ${className}` : inputClass}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        {...input}
      />
      {error && (
        <p id={errorId} className="mt-1 text-sm text-rose-700 dark:text-rose-400">
          {error}
        </p>
      )}
    </div>
  );
}

/** A search box; its placeholder says what the label says, so only screen readers hear the label. */
export function SearchField({
  id,
  label,
  className,
  ...input
}: { id: string; label: string } & Omit<InputProps, 'type' | 'placeholder'>) {
  return (
    <>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        type="search"
        placeholder={label}
        className={className ? `${searchClass} ${className}` : searchClass}
        {...input}
      />
    </>
  );
}
