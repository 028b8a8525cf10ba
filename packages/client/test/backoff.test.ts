import { describe, expect, it } from 'vitest';
import { jitteredBackoff } from '../src/backoff';

describe('jitteredBackoff', () => {
  it('grows exponentially, stays within [ceiling/2, ceiling] and caps', () => {
    expect(jitteredBackoff(0, 250, 15_000, () => 0)).toBe(125);
    expect(jitteredBackoff(0, 250, 15_000, () => 1)).toBe(250);
    expect(jitteredBackoff(3, 250, 15_000, () => 1)).toBe(2_000);
    expect(jitteredBackoff(20, 250, 15_000, () => 1)).toBe(15_000);
    expect(jitteredBackoff(20, 250, 15_000, () => 0)).toBe(7_500);
  });

  it('spreads clients out', () => {
    const delays = new Set(Array.from({ length: 50 }, () => jitteredBackoff(4)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
