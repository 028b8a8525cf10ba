import { useQuery } from '@tanstack/react-query';
import { useAppSelector } from '../store';
import { attachmentLimits, type AttachmentLimits } from './attachment-view';
import { useTRPC } from './trpc';

/** A server's configuration rarely changes: asked again at most this often (and at a reload). */
const FRESH_FOR_MS = 10 * 60 * 1000;

/**
 * This server's limits on attachments (its UPLOAD_MAX_BYTES and MESSAGE_MAX_ATTACHMENTS), so the
 * composer refuses exactly what the server would. The defaults stand in until it has answered
 * (offline, with nothing cached yet).
 */
export function useAttachmentLimits(): AttachmentLimits {
  const trpc = useTRPC();
  const signedIn = useAppSelector((s) => s.session.status === 'authenticated');
  const { data } = useQuery({
    ...trpc.messages.uploadLimits.queryOptions(),
    staleTime: FRESH_FOR_MS,
    enabled: signedIn,
  });
  return data ?? attachmentLimits;
}
