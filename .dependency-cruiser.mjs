// The workspace's dependency rules, checked by `pnpm lint` (dependency-cruiser over the whole tree).
// Paths are the files' real paths, so `@pigeon/db` counts as `packages/db/…`.

/** Code in any workspace package. */
const workspace = '^(apps|packages|examples|infra|e2e)/';
/** A package's root folder, captured as $1 (used in `pathNot` as the same package). */
const packageRoot = '^((?:apps|packages|examples)/[^/]+|infra|e2e)/';
/** What exists only for tests: test folders, the browser tests, test-utils and `testing` entries. */
const testCode = ['(^|/)test/', '^e2e/', '^packages/test-utils/', '^packages/[^/]+/src/testing\\.ts$'];

/** The package in folder `dir` imports no workspace code but its own and the `allowed` packages'. */
function mayOnlyUse(name, dir, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^${dir}/` },
    to: { path: workspace, pathNot: `^(${[dir, ...allowed].join('|')})/` },
  };
}

export default {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No import cycle anywhere in the workspace, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },

    mayOnlyUse(
      'schema-is-the-base',
      'packages/schema',
      ['packages/test-utils'],
      'schema imports no other package.',
    ),
    mayOnlyUse(
      'media-stands-alone',
      'packages/media',
      ['packages/test-utils'],
      'media (file stores, uploads, images) imports no other package.',
    ),
    mayOnlyUse(
      'db-uses-schema',
      'packages/db',
      ['packages/schema', 'packages/test-utils'],
      'db builds on schema only.',
    ),
    mayOnlyUse(
      'api-uses-db-and-schema',
      'packages/api',
      ['packages/db', 'packages/schema', 'packages/media', 'packages/test-utils'],
      'api (router, services, bus interface) builds on db, schema and media only.',
    ),
    mayOnlyUse(
      'test-utils-stand-alone',
      'packages/test-utils',
      [],
      'test-utils imports no workspace package.',
    ),
    mayOnlyUse(
      'server-uses-api-db-schema',
      'apps/server',
      [
        'packages/api',
        'packages/db',
        'packages/schema',
        'packages/media',
        'packages/client',
        'packages/test-utils',
      ],
      'The server runs api on db, schema and media; the client only drives it in tests (next rule).',
    ),
    {
      name: 'server-runs-without-the-client',
      comment: 'Only the server’s tests use the typed client, to call it as a user would.',
      severity: 'error',
      from: { path: '^apps/server/', pathNot: '^apps/server/test/' },
      to: { path: '^packages/client/' },
    },
    mayOnlyUse(
      'client-uses-schema-and-api-types',
      'packages/client',
      ['packages/schema', 'packages/api', 'packages/test-utils'],
      'The client ships no server code: schema, and the router’s type (next rule).',
    ),
    mayOnlyUse(
      'web-uses-client-and-schema',
      'apps/web',
      ['packages/client', 'packages/schema', 'packages/api', 'packages/test-utils'],
      'The web app talks to the server through the client: never server or db code.',
    ),
    {
      name: 'api-as-types-only',
      comment: 'The client and the web app import the router’s type, never api code.',
      severity: 'error',
      from: { path: '^(packages/client|apps/web)/' },
      to: { path: '^packages/api/', dependencyTypesNot: ['type-only'] },
    },
    mayOnlyUse(
      'infra-uses-client-db-server',
      'infra',
      ['packages/client', 'packages/db', 'packages/media', 'apps/server', 'packages/test-utils'],
      'Cluster scripts and benchmarks run servers (and their S3 server) and talk to them through the client.',
    ),
    mayOnlyUse(
      'cli-uses-the-client',
      'apps/cli',
      ['packages/client', 'packages/test-utils'],
      'The CLI is a program on @pigeon/client alone; its tests run the server as a process.',
    ),
    {
      name: 'examples-use-the-client',
      comment: 'An example is a program on @pigeon/client alone, as outside this repository.',
      severity: 'error',
      from: { path: '^examples/([^/]+)/' },
      to: { path: workspace, pathNot: '^(examples/$1|packages/client)/' },
    },
    mayOnlyUse(
      'e2e-on-top',
      'e2e',
      [
        'apps/server',
        'apps/web',
        'packages/client',
        'packages/schema',
        'packages/test-utils',
        'packages/db',
        'infra',
      ],
      'The browser tests run the built web app on a real server, or on the local cluster (infra) on a scratch database (db).',
    ),

    {
      name: 'no-test-helpers-of-another-package',
      comment:
        'Test folders are private to their package; shared helpers go in test-utils or a lower package’s `testing` entry.',
      severity: 'error',
      from: { path: packageRoot },
      to: { path: '^((apps|packages|examples)/[^/]+/test/|infra/test/|e2e/)', pathNot: '^$1/' },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'What ships (apps, packages, examples) imports no test helper.',
      severity: 'error',
      from: { path: '^(apps|packages|examples)/[^/]+/src/', pathNot: testCode },
      to: { path: testCode },
    },
    {
      name: 'no-unresolvable-imports',
      comment:
        'Every import resolves, so none (an undeclared workspace package, say) slips past the rules above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // examples/rest-typescript imports types generated from a running server's OpenAPI document;
    // its test generates them and type-checks it (apps/server/test/rest-generated-client.test.ts).
    exclude: {
      path: ['(^|/)(node_modules|dist|\\.turbo|\\.pigeon-data|coverage)/', '^examples/rest-typescript/'],
    },
    // Type-only imports count: they are part of the layering and of cycles.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
