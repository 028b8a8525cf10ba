/**
 * A loud notice when the page was not served over HTTPS (nor from this machine): the password
 * crosses the network readable. `isSecureContext` is the browser's own judgement, the same one
 * that decides whether it keeps a `Secure` cookie.
 */
export function InsecureConnectionWarning({ secure = window.isSecureContext }: { secure?: boolean }) {
  if (secure) return null;
  return (
    <p
      role="alert"
      data-testid="insecure-connection"
      className="mb-4 rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100"
    >
      <strong>This connection is not secure.</strong> This Pigeon server is served over plain HTTP, so your
      password and messages cross the network unencrypted. Ask its administrator to set up HTTPS.
    </p>
  );
}
