import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Makes the frames sent to one socket in one turn of the event loop leave in one write.
 *
 * A committed send batch is answered in one burst: each sender's acknowledgement and its own
 * `message.created`, each receiver's event. `ws` writes every frame at once (one `writev` each,
 * the costliest thing the server does per message); corking the connection at a turn's first
 * frame and uncorking once the turn's callbacks and promises have run sends them together.
 */
export function sendFramesPerTurn(ws: WebSocket, connection: Duplex): void {
  let corked = false;
  const uncork = () => {
    corked = false;
    connection.uncork();
  };
  const send = ws.send.bind(ws) as (...args: Parameters<WebSocket['send']>) => void;
  ws.send = ((...args: Parameters<WebSocket['send']>) => {
    if (!corked && connection.writable) {
      corked = true;
      connection.cork();
      process.nextTick(uncork);
    }
    send(...args);
  }) as WebSocket['send'];
}
