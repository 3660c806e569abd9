import type { Client } from '@temporalio/client';
import { loadConfig } from '../config/load-config.ts';
import { connectClient } from '../temporal/client.ts';

/** Runs `body` with a client of the configured Temporal server (an unreachable one is one line, with the fix), then closes it. */
export async function withTemporal<T>(body: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(loadConfig());
  try {
    return await body(client);
  } finally {
    await client.connection.close();
  }
}
