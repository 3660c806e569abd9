import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { TEST_DATABASE_URL, TEST_MARIADB_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';

// Runs after every other file (test/sequencer.ts): reads the history of every workflow the suite
// started, on every task queue, and checks that none carries a connection string or password.
// Workflow inputs, results, failures and heartbeats are all visible in the Web UI.
let connection: Connection;
let client: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection.close();
});

/** Every string in a history: the JSON of the events, and each payload's data decoded. */
function historyText(history: unknown): string {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node instanceof Uint8Array) texts.push(Buffer.from(node).toString('utf8'));
    else if (node && typeof node === 'object') for (const value of Object.values(node)) visit(value);
    else if (typeof node === 'string') texts.push(node);
  };
  visit(history);
  return texts.join('\n');
}

const URL_SCHEMES = /\b(postgres(ql)?|mysql|mariadb|nats|mqtts?|amqps?|redis):\/\/[^\s"']*/i;
const PASSWORDS = /\bpassword\s*[=:]\s*[^\s"',;]+|:\/\/[^/\s:@]+:[^/\s@]+@/i;

describe('the Temporal history of every workflow the suite ran', () => {
  it('holds connection names, never a connection string or password', async () => {
    const secrets = [TEST_DATABASE_URL, TEST_SOURCE_DATABASE_URL, TEST_MARIADB_URL];
    let read = 0;
    const leaks: string[] = [];
    for await (const execution of client.workflow.list()) {
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const text = historyText(history);
      read++;
      const found = text.match(URL_SCHEMES)?.[0] ?? text.match(PASSWORDS)?.[0] ?? secrets.find((s) => text.includes(s));
      if (found) leaks.push(`${execution.type} ${execution.workflowId}: ${found}`);
    }
    expect(leaks).toEqual([]);
    // The suite starts hundreds of workflows; a handful would mean the listing missed them (or this file ran alone).
    if (process.env.DATAOPS_HISTORY_CHECK_MIN !== '0') expect(read).toBeGreaterThan(50);
  });
});
