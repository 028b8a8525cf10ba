import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The production image installs `dependencies` only: every package the server imports must be one. */
it('declares every package the server imports at run time as a dependency', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const imported = new Set<string>();
  for (const file of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const source = readFileSync(join(root, 'src', file), 'utf8');
    for (const [, spec] of source.matchAll(/^import (?!type )[^'"]*['"]([^'"]+)['"]/gm)) {
      if (!spec || spec.startsWith('.') || spec.startsWith('node:')) continue;
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : (spec.split('/')[0] ?? spec);
      imported.add(name);
    }
  }
  expect(imported.size).toBeGreaterThan(5);
  const missing = [...imported].filter((name) => !(name in manifest.dependencies));
  expect(missing).toEqual([]);
});
