import { users, type Database } from '@pigeon/db';
import type { Settings, UpdateSettingsInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { presenceVisibilityChanged, type PresenceDeps } from './presence-tracking';

const columns = { sendReadReceipts: users.sendReadReceipts, showPresence: users.showPresence };

export async function getSettings(db: Database, viewerId: string): Promise<Settings> {
  const [row] = await db.select(columns).from(users).where(eq(users.id, viewerId));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
  return row;
}

/**
 * Changes the viewer's privacy settings. Hiding presence takes effect at once: friends see the
 * user go offline (or come back) now.
 */
export async function updateSettings(
  call: PresenceDeps,
  viewerId: string,
  input: UpdateSettingsInput,
): Promise<Settings> {
  const updated = await saveSettings(call.db, viewerId, input);
  if (input.showPresence !== undefined) await presenceVisibilityChanged(call, viewerId, updated.showPresence);
  return updated;
}

async function saveSettings(db: Database, viewerId: string, input: UpdateSettingsInput): Promise<Settings> {
  const changes = {
    ...(input.sendReadReceipts === undefined ? {} : { sendReadReceipts: input.sendReadReceipts }),
    ...(input.showPresence === undefined ? {} : { showPresence: input.showPresence }),
  };
  if (Object.keys(changes).length === 0) return getSettings(db, viewerId);
  const [row] = await db.update(users).set(changes).where(eq(users.id, viewerId)).returning(columns);
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
  return row;
}
