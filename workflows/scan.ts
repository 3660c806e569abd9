import { ApplicationFailure, isCancellation, upsertSearchAttributes } from '@temporalio/workflow';
import type { ConnectionScanSummary, ScanResult, ScanWorkflowInput } from '../schemas/scan-run.ts';
import { DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { runContext } from './run-context.ts';

/** A connection is sampled table by table; a worker silent this long is presumed dead and the scan resumes elsewhere. */
const HEARTBEAT = '2 minutes';

function failureText(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause && !(current instanceof ApplicationFailure)) current = current.cause as typeof current;
  return current?.message ?? String(error);
}

/**
 * Security scan: one activity per connection, in parallel on any worker, each sampling that
 * connection's tables and storing its findings in dataops.scan_findings; only counts come back. A
 * connection that cannot be scanned fails the run, after the others have stored their findings.
 */
export async function scan(input: ScanWorkflowInput): Promise<ScanResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    progress.set({ phase: 'staging', step: 'scan' });
    const targets = await bookkeeping.planScan.executeWithOptions(
      { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] }, summary: 'list the connections to scan' },
      [{ spec }],
    );
    const outcomes = await Promise.allSettled(
      targets.map((target) =>
        bookkeeping.scanConnection.executeWithOptions(
          {
            startToCloseTimeout: '6 hours',
            heartbeatTimeout: HEARTBEAT,
            retry: DATA_RETRY,
            summary: `sample every table on ${target.connection} (${target.kind}), at most ${spec.sampleRows} rows each`,
          },
          [{ runId, spec, target }],
        ),
      ),
    );
    // A cancelled run ends as cancelled, not as a scan that could not reach its connections.
    const cancelled = outcomes.find((o) => o.status === 'rejected' && isCancellation(o.reason));
    if (cancelled?.status === 'rejected') throw cancelled.reason;
    const connections: ConnectionScanSummary[] = [];
    const failed: string[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') connections.push(outcome.value);
      else failed.push(`${targets[i]!.connection}: ${failureText(outcome.reason)}`);
    });
    const findings = connections.reduce((n, c) => n + c.findings, 0);
    upsertSearchAttributes([{ key: DataOpsRecords, value: findings }]);
    if (failed.length) {
      throw ApplicationFailure.nonRetryable(
        `could not scan ${failed.length} of ${targets.length} connection(s): ${failed.join('; ')} (the others' ${findings} finding(s) are stored)`,
        'ScanIncomplete',
      );
    }
    return { runId, connections, findings };
  });
}
