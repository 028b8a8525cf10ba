import { connect, createServer as createTcpServer, type Socket } from 'node:net';

/**
 * A TCP proxy a test can cut: a real network failure between a client and a server (or a
 * server and its database), without touching either process.
 */
export async function startCuttableProxy(target: string) {
  const { hostname, port } = new URL(target.replace(/^\w+:/, 'http:'));
  const sockets = new Set<Socket>();
  let open = true;
  const proxy = createTcpServer((inbound) => {
    if (!open) return inbound.destroy();
    const outbound = connect(Number(port), hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** Drops every connection and refuses new ones until `restore`. */
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}
