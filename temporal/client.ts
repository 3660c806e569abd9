import { Client, Connection } from '@temporalio/client';
import type { Config } from '../schemas/config.ts';
import { localIdentity } from './identity.ts';

export async function connectClient(config: Config): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: config.temporal.address,
      tls: config.temporal.tls || Boolean(config.temporal.apiKey),
      apiKey: config.temporal.apiKey,
      connectTimeout: 5_000,
    });
  } catch (error) {
    throw new Error(
      `Temporal is not reachable at ${config.temporal.address} (${(error as Error).message}). ` +
        'Start a local one with `dataops dev` or set TEMPORAL_ADDRESS.',
    );
  }
  // user@host instead of the SDK's pid@host: the audit log names who started a run by this identity.
  return new Client({ connection, namespace: config.temporal.namespace, identity: localIdentity() });
}
