import { z } from 'zod';
import { conversationId } from './common';

/** What an avatar becomes on the server: a square WebP of this many pixels a side. */
export const AVATAR_SIDE = 512;

/** The largest source image side a crop may address (bigger images are refused anyway). */
const MAX_SOURCE_SIDE = 20_000;

const pixels = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number of pixels.` })
    .int(`${name} must be a whole number of pixels.`)
    .min(0, `${name} must not be negative.`)
    .max(MAX_SOURCE_SIDE, `${name} must be at most ${MAX_SOURCE_SIDE}.`);

/**
 * The square of the source image to keep, in the source's own pixels (`?x=&y=&size=` on an
 * avatar upload). Without one the server keeps the largest centred square.
 */
export const avatarCrop = z.object({
  x: pixels('x'),
  y: pixels('y'),
  size: pixels('size').min(1, 'size must be at least 1.'),
});
export type AvatarCrop = z.infer<typeof avatarCrop>;

export const removeGroupAvatarInput = z.object({ conversationId });
