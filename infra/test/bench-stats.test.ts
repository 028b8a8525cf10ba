import { describe, expect, it } from 'vitest';
import { percentiles, percentilesBySecond } from '../bench/stats';

describe('bench statistics', () => {
  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    expect(percentiles(values)).toMatchObject({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([7])).toMatchObject({ count: 1, p50: 7, p99: 7, max: 7 });
  });

  it('groups latencies by the second their send left, not by when they arrived', () => {
    const samples = [
      // Sent in the first second, slow (a cold server).
      { sentMs: 0, latencyMs: 300 },
      { sentMs: 999.9, latencyMs: 250 },
      // Sent in the second second; arrived late enough to land in the third.
      { sentMs: 1000, latencyMs: 1500 },
      { sentMs: 1500, latencyMs: 10 },
      // Nothing sent in the third second; two in the fourth.
      { sentMs: 3000, latencyMs: 4 },
      { sentMs: 3999, latencyMs: 6 },
    ];
    const bySecond = percentilesBySecond(samples);
    expect(bySecond.map((q) => q.count)).toEqual([2, 2, 0, 2]);
    expect(bySecond[0]).toMatchObject({ p50: 250, p99: 300 });
    expect(bySecond[1]).toMatchObject({ p50: 10, p99: 1500 });
    expect(Number.isNaN(bySecond[2]?.p99)).toBe(true);
    expect(bySecond[3]).toMatchObject({ p50: 4, p99: 6 });
  });
});
