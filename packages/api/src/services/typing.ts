import type { Database } from '@pigeon/db';
import { TYPING_TTL_MS, type EphemeralEvent } from '@pigeon/schema';
import type { EventBus } from '../bus';
import type { Logger } from '../core/types';
import { requireCanMessage, requireMembership } from './membership';

/**
 * Tells the other members that the viewer is typing. Bus only: nothing is stored, a missed
 * signal costs nothing, and each one expires by itself, so an indicator can never get stuck.
 */
export async function announceTyping(
  deps: { db: Database; bus: EventBus; log: Logger },
  viewerId: string,
  conversationId: string,
): Promise<{ expiresAt: string }> {
  const membership = await requireMembership(deps.db, viewerId, conversationId);
  requireCanMessage(membership, viewerId);
  const others = membership.memberIds.filter((id) => id !== viewerId);
  const event: EphemeralEvent = {
    v: 1,
    type: 'typing',
    conversationId,
    userId: viewerId,
    expiresAt: new Date(Date.now() + TYPING_TTL_MS).toISOString(),
  };
  const results = await Promise.allSettled(others.map((id) => deps.bus.publishEphemeral(id, event)));
  for (const result of results) {
    if (result.status === 'rejected')
      deps.log.warn({ err: result.reason as unknown }, 'typing publish failed');
  }
  return { expiresAt: event.expiresAt };
}
