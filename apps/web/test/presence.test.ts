import { describe, expect, it } from 'vitest';
import { lastSeenLabel } from '../src/lib/presence';

const now = Date.parse('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('lastSeenLabel', () => {
  it('says "just now" for under a minute, and for a time a little ahead of the local clock', () => {
    expect(lastSeenLabel(ago(30_000), now)).toBe('last seen just now');
    expect(lastSeenLabel(ago(-5_000), now)).toBe('last seen just now');
  });

  it('counts minutes, then hours, then gives the date', () => {
    expect(lastSeenLabel(ago(5 * 60_000), now)).toMatch(/^last seen 5 minutes ago$/);
    expect(lastSeenLabel(ago(3 * 3_600_000), now)).toMatch(/^last seen 3 hours ago$/);
    expect(lastSeenLabel(ago(3 * 86_400_000), now)).toMatch(/^last seen .*2026/);
  });
});
