import { createHash } from 'node:crypto';

export const STAGING_SCHEMA = 'dataops_staging';

/** A run-scoped table that survives worker crashes and is swapped into place on publish. */
export function stagingTableName(runId: string, step: string): string {
  const digest = createHash('sha256').update(`${runId}\u0000${step}`).digest('hex').slice(0, 20);
  return `${STAGING_SCHEMA}.${step.replace(/[^a-z0-9_]/g, '_')}_${digest}`;
}
