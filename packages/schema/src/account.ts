import { z } from 'zod';
import { attachmentView } from './attachments';
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
  /**
   * Every file the user uploaded, sent or not (the files of others are in `messages`). The bytes
   * are not inside: each downloads from `downloadPath` on the server with the user's token.
   */
  uploads: z.array(
    attachmentView.extend({
      createdAt: timestamp,
      /** Null while it waits to be sent. */
      messageId: z.number().int().nullable(),
      conversationId: z.string().nullable(),
      /** `/api/v1/attachments/{id}/original`: GET it with `Authorization: Bearer <token>`. */
      downloadPath: z.string(),
    }),
  ),
});
export type AccountExport = z.infer<typeof accountExport>;
