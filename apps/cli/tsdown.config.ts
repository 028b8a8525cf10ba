import { defineConfig } from 'tsdown';

// One runnable file: the client's sources (a workspace package exporting TypeScript) are
// bundled in; what it needs at run time stays in `dependencies`.
export default defineConfig({
  entry: ['src/main.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  dts: false,
  fixedExtension: false,
  clean: true,
  deps: { alwaysBundle: ['@pigeon/client'] },
});
