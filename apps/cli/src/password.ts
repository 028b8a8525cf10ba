import { createInterface } from 'node:readline';
import { CliError } from './errors';

/**
 * The password: the first line of standard input when it is not a terminal (scripts:
 * `--password-stdin`), else typed at a prompt that does not echo it.
 */
export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) return firstLine();
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

async function firstLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new CliError('No password on standard input.');
}
