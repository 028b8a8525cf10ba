import { sendMessageInput } from '@pigeon/schema';
import { describe, expect, it } from 'vitest';
import { newClientId } from '../src/lib/ids';

describe('newClientId', () => {
  it('makes a version 7 UUID that carries its millisecond and that the send schema accepts', () => {
    const at = Date.UTC(2026, 11, 6, 20, 0, 0, 123);
    const id = newClientId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at);
    expect(
      sendMessageInput.safeParse({ conversationId: crypto.randomUUID(), body: 'hi', clientId: id }).success,
    ).toBe(true);
  });

  it('sorts ids made later after earlier ones, and never repeats one', () => {
    const earlier = Array.from({ length: 50 }, () => newClientId(1_000_000));
    const later = Array.from({ length: 50 }, () => newClientId(1_000_001));
    for (const a of earlier) for (const b of later) expect(a < b).toBe(true);
    expect(new Set([...earlier, ...later]).size).toBe(100);
  });
});
