import type { ScanJobSpec } from '../../schemas/job-spec.ts';
import type { ScanTarget } from '../../schemas/scan-run.ts';
import { CENTRE_CONNECTION, databaseConnectionNames, databaseKind } from '../../config/connections.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { activityConfig, classifyErrors } from '../context.ts';

/**
 * The connections a scan covers, by name and kind (URLs stay in the worker): those the spec names,
 * else every postgres and mysql connection and the centre. An unknown or files connection is refused
 * before anything is sampled.
 */
export async function planScan({ spec }: { spec: ScanJobSpec }): Promise<ScanTarget[]> {
  return classifyErrors(async () => {
    const config = activityConfig();
    const known = databaseConnectionNames(config);
    const names = spec.connections ?? known;
    const targets: ScanTarget[] = [];
    const problems: string[] = [];
    for (const connection of names) {
      const kind = databaseKind(config, connection);
      if (kind === 'postgres' || kind === 'mysql') targets.push({ connection, kind, centre: connection === CENTRE_CONNECTION });
      else if (kind === 'files') problems.push(`connection "${connection}" is a files connection; a scan samples database tables`);
      else problems.push(`unknown connection "${connection}"`);
    }
    if (problems.length) throw new BadInputError(`${problems.join('; ')} (database connections: ${known.join(', ')})`);
    return targets;
  });
}
