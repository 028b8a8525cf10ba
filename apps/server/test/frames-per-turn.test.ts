import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { sendFramesPerTurn } from '../src/ws/frames-per-turn';

let http: Server | undefined;
afterEach(async () => {
  if (!http) return;
  http.closeAllConnections();
  await new Promise((resolve) => http?.close(resolve));
  http = undefined;
});

/**
 * A server socket whose writes to the kernel are counted: `_write` and `_writev` are where a
 * Node stream hands its chunks on, one call per write (a cork gathers chunks into one `_writev`).
 */
async function connectedPair(perTurn: boolean) {
  http = createServer();
  const wss = new WebSocketServer({ server: http });
  const accepted = once(wss, 'connection') as Promise<[WebSocket, { socket: Socket }]>;
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  const [server, req] = await accepted;
  if (perTurn) sendFramesPerTurn(server, req.socket);
  await once(client, 'open');
  const raw = req.socket as Socket & {
    _write: (...args: unknown[]) => void;
    _writev: (...args: unknown[]) => void;
  };
  const writes = { count: 0 };
  for (const method of ['_write', '_writev'] as const) {
    const original = raw[method].bind(raw);
    raw[method] = (...args: unknown[]) => {
      writes.count++;
      original(...args);
    };
  }
  return { server, client, writes };
}

function received(client: WebSocket, count: number): Promise<string[]> {
  const frames: string[] = [];
  return new Promise((resolve) => {
    client.on('message', (data: Buffer) => {
      frames.push(data.toString());
      if (frames.length === count) resolve(frames);
    });
  });
}

describe('sendFramesPerTurn', () => {
  it('sends the frames of one turn in one write, in order', async () => {
    const { server, client, writes } = await connectedPair(true);
    const all = received(client, 20);
    for (let i = 0; i < 20; i++) server.send(`frame ${i}`);
    expect(await all).toEqual(Array.from({ length: 20 }, (_, i) => `frame ${i}`));
    expect(writes.count).toBe(1);
    client.close();
  });

  it('writes each turn as it ends, so nothing waits for a later one', async () => {
    const { server, client, writes } = await connectedPair(true);
    const first = received(client, 3);
    server.send('a');
    server.send('b');
    await Promise.resolve(); // promises of the same turn join it
    server.send('c');
    expect(await first).toEqual(['a', 'b', 'c']);
    expect(writes.count).toBe(1);
    const second = received(client, 1);
    server.send('d');
    expect(await second).toEqual(['d']);
    expect(writes.count).toBe(2);
    client.close();
  });

  it('is what saves the writes: without it each frame is a write of its own', async () => {
    const { server, client, writes } = await connectedPair(false);
    const all = received(client, 20);
    for (let i = 0; i < 20; i++) server.send(`frame ${i}`);
    await all;
    expect(writes.count).toBe(20);
    client.close();
  });
});
