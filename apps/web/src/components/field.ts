/** The look of a labelled text input in the app's forms (red border when marked invalid). */
export const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 aria-[invalid=true]:border-rose-500 dark:border-slate-700 dark:bg-slate-900';
