import { z } from 'zod';
import { me } from './auth';
import { publicUser, timestamp } from './common';
import { conversation } from './conversations';
import { friend, friendRequestsOutput } from './friends';
import { message } from './messages';
import { settings } from './settings';

/** A user's own data, as `auth.exportData` hands it out (JSON). */
export const accountExport = z.object({
  exportedAt: timestamp,
  profile: me,
  settings,
  friends: z.array(friend),
  requests: friendRequestsOutput,
  blocked: z.array(publicUser),
  conversations: z.array(conversation),
  messages: z.array(message),
  /** True when the export stopped at its message cap. */
  messagesTruncated: z.boolean(),
  sessions: z.array(z.object({ createdAt: timestamp, userAgent: z.string().nullable() })),
});
export type AccountExport = z.infer<typeof accountExport>;
