import type { Message } from '@pigeon/client';

/** `12:04:31 #general alice: hello` — a message as one terminal line. */
export function messageLine(message: Message, where: string, sender: string): string {
  const time = new Date(message.createdAt).toLocaleTimeString('en-GB', { hour12: false });
  return `${time} ${where} ${sender}: ${message.body}`;
}

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Progress and connection news go to stderr, so stdout stays the data. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}
