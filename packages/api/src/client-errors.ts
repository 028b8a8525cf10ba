/**
 * What a client is told of a fault inside the server: a fixed sentence and the id that finds the
 * details in the server's log. Never the error's own message, which may be a failed SQL statement
 * with its parameters, a file path or a stack.
 */
export function internalErrorMessage(requestId: string | null): string {
  const sentence = 'Something went wrong on the server.';
  return requestId
    ? `${sentence} If it keeps happening, give the server's admin this request id: ${requestId}.`
    : sentence;
}
