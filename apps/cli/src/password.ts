import { createInterface } from 'node:readline';
import { CliError } from './errors';

/**
 * The password: the first line of standard input when it is not a terminal (scripts:
 * `--password-stdin`), else typed at a prompt that does not echo it.
 */
export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) return readSecretLine();
  process.stderr.write('Password: ');
  const typed = await new Promise<string>((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: true });
    // Keep the prompt but show nothing of what is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
    rl.question('', (answer) => {
      rl.close();
      resolve(answer);
    });
  });
  process.stderr.write('\n');
  return typed;
}

/** The first line of standard input (a password or a token piped in), without its newline. */
export async function readSecretLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    // A password is taken as typed, spaces included; only the line ending goes.
    if (line.trim()) return line.replace(/\r$/, '');
    break;
  }
  throw new CliError('Nothing on standard input.');
}

/** One line typed at a terminal prompt, shown as typed (a one-time code is no secret once used). */
export async function readLine(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  return answer.trim();
}
