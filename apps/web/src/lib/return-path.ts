/**
 * Deep links survive login: a logged-out visitor who opens `/chats/<id>?message=N` is sent to
 * the start, and comes back to that address once logged in. Kept per tab (sessionStorage), and
 * only for a page load that started logged out, so logging out of a conversation does not send
 * the next person who logs in on that tab back into it.
 */
const KEY = 'pigeon:return-to';
let signedInThisLoad = false;

export function rememberReturnPath(path: string): void {
  if (signedInThisLoad || path === '/chats') return;
  sessionStorage.setItem(KEY, path);
}

/** Where to go after logging in: the remembered address when it is one of ours, else the chats. */
export function returnPath(): string {
  const path = sessionStorage.getItem(KEY);
  return path?.startsWith('/') && !path.startsWith('//') ? path : '/chats';
}

/** Called once the signed-in app shows: the address has served its purpose. */
export function arrivedSignedIn(): void {
  signedInThisLoad = true;
  sessionStorage.removeItem(KEY);
}
