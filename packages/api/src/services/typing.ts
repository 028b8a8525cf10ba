import type { Database } from '@pigeon/db';
import { TYPING_TTL_MS, type EphemeralEvent } from '@pigeon/schema';
import type { EventBus } from '../bus';
import type { Logger } from '../core/types';
import { requireCanMessage, requireMembership } from './membership';

/**
 * Tells the other members that the viewer is typing, or has stopped (cleared the text). Bus
 * only: nothing is stored, a missed signal costs nothing, and each one expires by itself, so an
 * indicator can never get stuck. A stop is a signal that has already run out (`expiresAt` now):
 * every client that honours expiry drops the indicator at once, with no new event type.
 */
export async function announceTyping(
  deps: { db: Database; bus: EventBus; log: Logger },
  viewerId: string,
  conversationId: string,
  typing = true,
): Promise<{ expiresAt: string }> {
  const membership = await requireMembership(deps.db, viewerId, conversationId);
  requireCanMessage(membership, viewerId);
  const others = membership.memberIds.filter((id) => id !== viewerId);
  const event: EphemeralEvent = {
    v: 1,
    type: 'typing',
    conversationId,
    userId: viewerId,
    expiresAt: new Date(Date.now() + (typing ? TYPING_TTL_MS : 0)).toISOString(),
  };
  const results = await Promise.allSettled(others.map((id) => deps.bus.publishEphemeral(id, event)));
  for (const result of results) {
    if (result.status === 'rejected')
      deps.log.warn({ err: result.reason as unknown }, 'typing publish failed');
  }
  return { expiresAt: event.expiresAt };
}
