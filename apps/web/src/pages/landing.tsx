import { Link } from 'react-router';

/** What visitors see first: what Pigeon is today, and the way in. Nothing it does not do. */
export function LandingPage() {
  return (
    <div className="flex min-h-full items-center justify-center p-6">
      <main className="w-full max-w-xl text-center">
        <p className="text-4xl font-bold text-indigo-600 dark:text-indigo-400">Pigeon</p>
        <h1 className="mt-4 text-2xl font-semibold">Private one-to-one chat, on a server you run</h1>
        <ul className="mx-auto mt-6 max-w-md space-y-2 text-left text-slate-700 dark:text-slate-200">
          <li>Find people by username and add them as friends.</li>
          <li>Chat with your friends in real time, on every device you are logged in on.</li>
          <li>Reply, react, edit or delete your messages; see typing and read receipts.</li>
          <li>Self-hosted: your conversations stay in your own database.</li>
        </ul>
        <div className="mt-8 flex justify-center gap-3">
          <Link
            to="/register"
            className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700"
          >
            Create an account
          </Link>
          <Link
            to="/login"
            className="rounded-md border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Log in
          </Link>
        </div>
      </main>
    </div>
  );
}
