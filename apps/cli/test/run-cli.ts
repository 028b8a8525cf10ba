import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `pigeon …` as a user would: the built bin (see global-setup.ts) in a process of its own,
 * with a config folder of the test's.
 */
export function startCli(args: string[], configHome: string, input?: string) {
  const child = spawn(process.execPath, ['dist/main.js', ...args], {
    cwd: cliDir,
    env: { PATH: process.env.PATH ?? '', HOME: configHome, XDG_CONFIG_HOME: configHome },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input ?? '');
  const exited = new Promise<CliResult>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    /** Waits until the output (stdout + stderr) satisfies `check`. */
    async until(
      what: string,
      check: (output: { stdout: string; stderr: string }) => boolean,
      timeoutMs = 30_000,
    ) {
      const deadline = Date.now() + timeoutMs;
      while (!check({ stdout, stderr })) {
        if (child.exitCode !== null) throw new Error(`pigeon exited waiting for ${what}: ${stdout}${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    interrupt: () => child.kill('SIGINT'),
  };
}

export const runCli = (args: string[], configHome: string, input?: string) =>
  startCli(args, configHome, input).exited;
