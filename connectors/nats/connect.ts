import { connect, type NatsConnection } from '@nats-io/transport-node';
import { describeUrl } from '../../config/redact.ts';
import { BadInputError } from '../../errors/bad-input.ts';

export interface NatsConnectOptions {
  /** Shown by the server (`nats server report connections`), so an operator can tell the centre's clients apart. */
  name: string;
  /** How error messages name it: `nats connection "permits"`. */
  label: string;
}

/** Where a NATS URL points, for messages that may reach a workflow's history: hosts only, never credentials. */
export function describeNatsServers(url: string): string {
  return url
    .split(',')
    .map((server) => {
      try {
        return new URL(server.includes('://') ? server : `nats://${server}`).host;
      } catch {
        return 'a server whose URL does not parse';
      }
    })
    .join(', ');
}

/**
 * Connects to NATS from a connection URL (`nats://user:password@host:4222`, several comma-separated).
 * The client reconnects by itself after a server restart (forever, every second), so a broker that
 * comes back is picked up without failing the activity; an authorization error is bad configuration.
 */
export async function connectNats(url: string, options: NatsConnectOptions): Promise<NatsConnection> {
  const servers = url.split(',').map((s) => s.trim());
  const first = new URL(servers[0]!.includes('://') ? servers[0]! : `nats://${servers[0]}`);
  const credentials = first.username ? { user: decodeURIComponent(first.username), pass: decodeURIComponent(first.password) } : {};
  try {
    return await connect({
      servers: servers.map((s) => {
        const parsed = new URL(s.includes('://') ? s : `nats://${s}`);
        return `${parsed.hostname}:${parsed.port || 4222}`;
      }),
      name: options.name,
      ...credentials,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      waitOnFirstConnect: false,
    });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const where = `${options.label} (${describeNatsServers(url)})`;
    if (/authoriz|authentic|permission/i.test(message)) throw new BadInputError(`cannot connect to ${where}: ${message}`);
    // describeUrl: a client error may quote the URL it was given.
    throw new Error(`cannot connect to ${where}: ${message.replace(url, describeUrl(url))}`);
  }
}
