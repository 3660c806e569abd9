import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a broker that can swallow what clients send while still passing what the
 * broker sends back: a client's acks then never arrive, as when a worker dies right after its commit.
 */
export interface SwallowingProxy {
  port: number;
  /** From now on, bytes from clients are dropped (the connections stay open). */
  swallowClientBytes(): void;
  close(): Promise<void>;
}

export async function startSwallowingProxy(targetPort: number): Promise<SwallowingProxy> {
  let swallow = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (!swallow) upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    swallowClientBytes: () => {
      swallow = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
