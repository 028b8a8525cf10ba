export function Spinner({ label }: { label: string }) {
  return (
    <div
      role="status"
      className="flex h-full items-center justify-center gap-3 p-8 text-slate-500 dark:text-slate-400"
    >
      <span
        className="size-5 animate-spin rounded-full border-2 border-current border-t-transparent"
        aria-hidden
      />
      <span>{label}…</span>
    </div>
  );
}
