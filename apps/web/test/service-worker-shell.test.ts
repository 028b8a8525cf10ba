import { describe, expect, it } from 'vitest';
import { appShell } from '../service-worker-shell';

const script = { path: '/assets/index-abc.js', content: 'console.log(1)' };
const bundle = [script, { path: '/assets/index-abc.js.map', content: '{}' }];
const icon = (bytes: number[]) => ({ path: '/icon-192.png', content: new Uint8Array(bytes) });

describe('the service worker app shell', () => {
  it('keeps the bundle and the public files, without source maps', () => {
    const { paths } = appShell([
      ...bundle,
      icon([1, 2, 3]),
      { path: '/manifest.webmanifest', content: '{}' },
    ]);
    expect(paths).toEqual(['/assets/index-abc.js', '/icon-192.png', '/index.html', '/manifest.webmanifest']);
  });

  it('gets a new version when only a public file changes, so installed apps pick up a new icon', () => {
    const before = appShell([...bundle, icon([1, 2, 3])]).version;
    expect(appShell([...bundle, icon([1, 2, 3])]).version).toBe(before);
    expect(appShell([...bundle, icon([1, 2, 4])]).version).not.toBe(before);
  });

  it('does not change version when only a source map changes', () => {
    const before = appShell(bundle).version;
    expect(appShell([script, { path: '/assets/index-abc.js.map', content: '{"x":1}' }]).version).toBe(before);
  });
});
