import type pg from 'pg';
import { connectPostgres } from '../../connectors/postgres/connect.ts';

/**
 * One pass of a job at a time: two runs of the same job (a schedule and a manual run, or a follow
 * run and another) would read from the same watermark and could move it back past what the other
 * published. A session advisory lock on the job's watermark name, held for the whole pass, keeps
 * them apart; a pass that finds it held fails and is retried, by which time the other has finished
 * (or, if its worker died, PostgreSQL has ended its session and released the lock).
 */
export async function holdPublishLock(databaseUrl: string, name: string): Promise<{ release(): Promise<void> }> {
  const client: pg.Client = await connectPostgres(databaseUrl, { application: 'dataops-stream-publish-lock', label: 'the centre database' });
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
    if (!rows[0]!.locked) throw new Error(`another run of ${name} is publishing now; this pass waits for it (it is retried)`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return { release: () => client.end().catch(() => undefined) };
}
