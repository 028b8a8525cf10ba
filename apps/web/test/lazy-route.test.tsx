import { cleanup, render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorScreen } from '../src/components/error-screen';
import { ChunkLoadError, importWithRetry, lazyRoute } from '../src/lib/lazy-route';

afterEach(cleanup);

/** A loader that fails its first `failures` calls, as an unreachable server would. */
function flakyLoader<T>(value: T, failures: number) {
  const loader = {
    calls: 0,
    failures,
    load: () => {
      loader.calls++;
      return loader.calls <= loader.failures
        ? Promise.reject(new TypeError('Failed to fetch dynamically imported module'))
        : Promise.resolve(value);
    },
  };
  return loader;
}

describe('importWithRetry', () => {
  it('tries again with back-off until the chunk loads', async () => {
    const loader = flakyLoader('chunk', 2);
    await expect(importWithRetry(loader.load, [1, 1, 1])).resolves.toBe('chunk');
    expect(loader.calls).toBe(3);
  });

  it('gives up with a ChunkLoadError once the delays are used up', async () => {
    const loader = flakyLoader('chunk', 10);
    const error = await importWithRetry(loader.load, [1, 1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChunkLoadError);
    expect(loader.calls).toBe(3);
  });

  it('tries again at once when the browser comes back online', async () => {
    const loader = flakyLoader('chunk', 1);
    const loading = importWithRetry(loader.load, [60_000]);
    await new Promise((r) => setTimeout(r, 10));
    expect(loader.calls).toBe(1);
    window.dispatchEvent(new Event('online'));
    await expect(loading).resolves.toBe('chunk');
  });
});

describe('lazyRoute in an ErrorScreen', () => {
  it('shows a real screen with Reload when a chunk cannot load, and loads it on Try again', async () => {
    // Suspense and retries on real timers, as in a browser: outside React's act() batching.
    const actEnvironment = Reflect.get(globalThis, 'IS_REACT_ACT_ENVIRONMENT') as unknown;
    Reflect.set(globalThis, 'IS_REACT_ACT_ENVIRONMENT', false);
    let unmount: () => void = () => undefined;
    try {
      const loader = flakyLoader(() => <p>People screen</p>, 100);
      const People = lazyRoute(loader.load);
      const root = createRoot(document.body.appendChild(document.createElement('div')), {
        onCaughtError: () => undefined,
      });
      root.render(
        <ErrorScreen>
          <Suspense fallback={<p>Loading</p>}>
            <People />
          </Suspense>
        </ErrorScreen>,
      );
      unmount = () => root.unmount();
      expect(await screen.findByText('Loading')).toBeTruthy();
      // Three retries with the default back-off take about seven seconds.
      expect(await screen.findByRole('button', { name: 'Reload' }, { timeout: 12_000 })).toBeTruthy();
      expect(screen.getByRole('alert').textContent).toContain('could not be loaded');
      expect(loader.calls).toBe(4);

      loader.failures = 0;
      screen.getByRole('button', { name: 'Try again' }).click();
      expect(await screen.findByText('People screen')).toBeTruthy();
      expect(loader.calls).toBe(5);
    } finally {
      unmount();
      Reflect.set(globalThis, 'IS_REACT_ACT_ENVIRONMENT', actEnvironment);
    }
  }, 20_000);

  it('shows a crash of a screen as an error screen, not a blank page', () => {
    function Broken(): never {
      throw new Error('boom');
    }
    const quiet = console.error;
    console.error = () => undefined;
    try {
      render(
        <ErrorScreen>
          <Broken />
        </ErrorScreen>,
      );
    } finally {
      console.error = quiet;
    }
    expect(screen.getByRole('alert').textContent).toContain('Something went wrong');
  });
});
