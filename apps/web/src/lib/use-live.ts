import { useAppSelector } from '../store';

/**
 * Whether what the app shows is live: the socket is connected with a session the server
 * confirmed. While not, sends queue and pushed signals (presence, typing) are not arriving.
 */
export function useLive(): boolean {
  return useAppSelector((s) => s.connection.status === 'connected' && !s.session.offline);
}
