import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The workspace's wiring, which no compiler checks: shared versions come from the pnpm catalog,
// and `pnpm typecheck` (one `tsc -b` over the root tsconfig.json) reaches every package.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface Package {
  dir: string;
  manifest: Manifest;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

const packages: Package[] = (
  JSON.parse(
    execFileSync('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
    }),
  ) as { path: string }[]
).map(({ path }) => ({ dir: path, manifest: readJson(join(path, 'package.json')) as Manifest }));

const dependenciesOf = ({ manifest }: Package) =>
  Object.entries({ ...manifest.dependencies, ...manifest.devDependencies });

it('takes every version shared by packages from the catalog, and never bypasses it', () => {
  const specifiers = new Map<string, { pkg: string; spec: string }[]>();
  for (const pkg of packages) {
    for (const [dep, spec] of dependenciesOf(pkg)) {
      if (spec.startsWith('workspace:')) continue;
      specifiers.set(dep, [...(specifiers.get(dep) ?? []), { pkg: pkg.manifest.name, spec }]);
    }
  }
  const drifting = [...specifiers].flatMap(([dep, uses]) => {
    const shared = uses.length > 1 || uses.some((u) => u.spec === 'catalog:');
    return shared ? uses.filter((u) => u.spec !== 'catalog:').map((u) => `${u.pkg}: ${dep}@${u.spec}`) : [];
  });
  expect(drifting).toEqual([]);
});

interface Tsconfig {
  references?: { path: string }[];
}
const referencedDirs = (tsconfigDir: string) =>
  ((readJson(join(tsconfigDir, 'tsconfig.json')) as Tsconfig).references ?? []).map((r) =>
    resolve(tsconfigDir, r.path),
  );
const typed = packages.filter((p) => p.dir !== resolve(repoRoot) && existsSync(join(p.dir, 'tsconfig.json')));

it('type-checks every package from the root tsconfig.json', () => {
  const rootReferences = referencedDirs(repoRoot);
  const missing = typed.filter((p) => !rootReferences.includes(p.dir)).map((p) => p.manifest.name);
  expect(missing).toEqual([]);
});

// pnpm links only declared dependencies, so a package imports no other; and an import of a
// package its tsconfig.json does not reference still compiles, silently checking that
// package's sources again. Hence: references are exactly the declared workspace dependencies.
it('references in each tsconfig.json exactly the workspace packages its package.json declares', () => {
  const typedNames = new Map(typed.map((p) => [p.manifest.name, p.dir]));
  const mismatches = typed.flatMap((pkg) => {
    const declared = dependenciesOf(pkg)
      .map(([dep]) => typedNames.get(dep))
      .filter((dir) => dir !== undefined);
    const referenced = referencedDirs(pkg.dir);
    const name = (dir: string) => relative(repoRoot, dir);
    return [
      ...declared
        .filter((d) => !referenced.includes(d))
        .map((d) => `${pkg.manifest.name} depends on ${name(d)} but does not reference it`),
      ...referenced
        .filter((r) => !declared.includes(r))
        .map((r) => `${pkg.manifest.name} references ${name(r)} but does not depend on it`),
    ];
  });
  expect(mismatches).toEqual([]);
});

it('licenses every package as the repository is (MIT, LICENSE at the root)', () => {
  expect(readFileSync(join(repoRoot, 'LICENSE'), 'utf8')).toMatch(
    /^MIT License\n\nCopyright \(c\) \d{4} Pigeon contributors/,
  );
  const unlicensed = packages
    .filter((p) => (p.manifest as Manifest & { license?: string }).license !== 'MIT')
    .map((p) => p.manifest.name);
  expect(unlicensed).toEqual([]);
});
