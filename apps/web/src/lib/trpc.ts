import type { AppRouter, PigeonClient } from '@pigeon/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The app's Pigeon client itself (main.tsx provides it as the tRPC client), for the few calls
 * that are not procedures: a photo upload needs the access token.
 */
export function usePigeonClient(): PigeonClient {
  return useTRPCClient() as PigeonClient;
}
