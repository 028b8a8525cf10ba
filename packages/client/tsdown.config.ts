import { defineConfig } from 'tsdown';

// The npm package: ESM plus one bundled .d.ts. @pigeon/schema is bundled in (JS and types), and
// the router's type is spelled out (src/router.ts), so no workspace package, no server
// dependency and no Pigeon source reaches a consumer; its run-time dependencies are the three
// in package.json's `dependencies`.
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: { eager: true, build: true },
  sourcemap: true,
  clean: true,
  deps: { alwaysBundle: ['@pigeon/schema'] },
});
