import type { GroupInfo, Me } from '@pigeon/schema';
import type { Context } from './context';
import { flushOutbox, Outbox } from './core/changes';
import {
  changeGroupAvatar,
  changeUserAvatar,
  requireAvatarChangeAllowed,
  type AvatarImage,
  type AvatarTarget,
} from './services/avatars';
import { liveViewer } from './trpc';

/**
 * A new photo for the caller or one of their groups, for the HTTP upload route (raw image bytes
 * cannot travel through a tRPC input). It holds the caller to the same rules a procedure would:
 * a live token that may write, the `avatarChanges` rate limit, the group's permission (checked
 * before `prepare` reads and decodes the upload, and again under the group's lock), and the
 * events published only after their commit.
 */
export async function uploadAvatar(
  ctx: Context,
  target: AvatarTarget,
  prepare: () => Promise<AvatarImage>,
): Promise<Me | GroupInfo> {
  const viewer = liveViewer(ctx.viewer, 'mutation');
  await ctx.rateLimits.consume('avatarChanges', viewer.userId);
  const outbox = new Outbox();
  const scope = { ...ctx, outbox };
  try {
    await requireAvatarChangeAllowed(scope, viewer.userId, target);
    const image = await prepare();
    return target.kind === 'user'
      ? await changeUserAvatar(scope, viewer.userId, image)
      : await changeGroupAvatar(scope, viewer.userId, target.conversationId, image);
  } finally {
    await flushOutbox(outbox, ctx);
  }
}
