import type { DistributeJobSpec, StreamPublishJobSpec } from '../../schemas/job-spec.ts';
import type { Config } from '../../schemas/config.ts';
import { maxUnmaskedLevel, resolveBrokerUrl } from '../../config/connections.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { activityDb } from '../context.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { planDistribution, type DistributionPlan } from '../distribute/plan-distribution.ts';

/** A stream output has no target table: the plan's target is unused, only its columns, masks and reads. */
const NO_TABLE = 'stream';

/**
 * A stream output read as the incremental distribution it reuses: the same centre table or dataset,
 * the same (cursor, key) read of its changes, the same masks and refusal of columns above the
 * broker connection's level, the same soft-delete flag check.
 */
export function publishAsDistribution(spec: StreamPublishJobSpec): DistributeJobSpec {
  const { incremental, ...table } = spec.source;
  return {
    kind: 'distribute',
    job: spec.job,
    dataset: spec.dataset,
    department: spec.department,
    sourceSystem: spec.sourceSystem,
    updateFrequency: spec.updateFrequency,
    description: spec.description,
    // The message key is the key the changes are read by.
    source: { ...table, key: spec.source.key ?? incremental.key, incremental },
    target: {
      connection: spec.target.connection,
      table: NO_TABLE,
      mode: 'incremental',
      schemaChange: 'fail',
      ...(spec.deletes ? { deletes: { column: spec.deletes.column } } : {}),
    },
    masks: spec.masks,
    options: spec.options,
  };
}

/** What a pass reads and how each column leaves, plus where in each row the key, the cursor and the delete flag are. */
export interface PublishPlan extends DistributionPlan {
  /** Indexes in the rows read: the sent columns, then the cursor as the centre holds it. */
  keyIndex: number;
  cursorIndex: number;
  deletedIndex?: number;
}

/**
 * Plans a stream output before anything is read or sent: the broker connection must exist and be of
 * the target's type (nats for JetStream, mqtt for MQTT), and every column must leave as the masking
 * policy and the connection's maxUnmaskedLevel allow (see planDistribution).
 */
export async function planStreamPublish(config: Config, spec: StreamPublishJobSpec): Promise<PublishPlan> {
  resolveBrokerUrl(config, spec.target.connection, spec.target.type === 'jetstream' ? 'nats' : 'mqtt');
  const client = await connectPostgres(config.databaseUrl, { application: 'dataops-stream-publish', label: 'the centre database' });
  let plan: DistributionPlan;
  try {
    plan = await planDistribution(activityDb(), client, publishAsDistribution(spec), 'postgres', maxUnmaskedLevel(config, spec.target.connection));
  } finally {
    await client.end().catch(() => undefined);
  }
  const names = plan.targetColumns.map((c) => c.name);
  // Every message carries its key and cursor in clear (the envelope, the message id, perhaps the
  // subject): both must be sent columns that leave unmasked, so the masking checks cover them.
  const cursor = spec.source.incremental.cursor;
  if (!names.includes(cursor)) {
    throw new BadInputError(
      `the cursor ${cursor} is not among the columns sent (${names.join(', ')}): every message carries its cursor, so add it to source.columns`,
    );
  }
  for (const [what, column] of [
    ['key', plan.key],
    ['cursor', cursor],
  ] as const) {
    const mask = plan.masks[names.indexOf(column)]!.mask;
    if (mask !== 'none') {
      throw new BadInputError(
        `the ${what} ${column} would leave masked (${mask}), but every message carries it in clear: publish by another ${what}, or to a connection that may receive it unmasked (and set masks: { ${column}: { mask: none } })`,
      );
    }
  }
  const deleted = spec.deletes ? names.indexOf(spec.deletes.column) : -1;
  return {
    ...plan,
    keyIndex: names.indexOf(plan.key),
    // planDistribution reads the cursor last, under its own name, after the sent columns.
    cursorIndex: names.length,
    ...(deleted >= 0 ? { deletedIndex: deleted } : {}),
  };
}
