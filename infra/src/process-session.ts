import { spawn, spawnSync } from 'node:child_process';

export interface SessionProcess {
  /** Everything the command wrote so far, stdout and stderr together. */
  output(): string;
  /** Ends every process of the command's session: an interrupt first, then by force. */
  stop(): Promise<void>;
}

/**
 * Starts a command as the leader of a session of its own. Turborepo puts each task in a process
 * group of its own, so only the session still holds every process the command started, and
 * stopping the session leaves none of them behind. (Linux: `ps -s` lists a session.)
 */
export function startInOwnSession(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): SessionProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  const keep = (chunk: Buffer) => chunks.push(chunk.toString());
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const session = child.pid;
  let stopping: Promise<void> | undefined;
  return {
    output: () => chunks.join(''),
    stop: () => (stopping ??= session === undefined ? Promise.resolve() : stopSession(session)),
  };
}

async function stopSession(session: number): Promise<void> {
  // The leader's group holds pnpm and turbo; turbo passes the interrupt on to its tasks.
  signal(-session, 'SIGINT');
  if (await sessionEnds(session, 20_000)) return;
  for (const pid of sessionMembers(session)) signal(pid, 'SIGKILL');
  if (!(await sessionEnds(session, 5_000))) {
    throw new Error(`processes of session ${String(session)} outlived SIGKILL`);
  }
}

function sessionMembers(session: number): number[] {
  const ps = spawnSync('ps', ['-o', 'pid=', '-s', String(session)], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
}

async function sessionEnds(session: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (sessionMembers(session).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
