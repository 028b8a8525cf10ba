import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The tests run `pigeon` as shipped: the bundled dist/main.js, built once per run. */
export default function buildTheCli(): void {
  execFileSync('pnpm', ['exec', 'tsdown', '--logLevel', 'error'], {
    cwd: fileURLToPath(new URL('../', import.meta.url)),
    stdio: 'inherit',
  });
}
