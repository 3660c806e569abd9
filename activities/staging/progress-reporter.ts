import { Context } from '@temporalio/activity';
import type { Progress } from '../../schemas/progress.ts';

// Each signal adds history events; every 10 s keeps a 12-hour run far below the 50k-event limit.
const SIGNAL_EVERY_MS = 10_000;

/**
 * Sends the workflow a small progress signal at most every ten seconds: it keeps the workflow's
 * progress query and the Web UI's current details up to date. The CLI's live line reads the
 * activity's heartbeat details, which carry the same counts every second or so, for no history events.
 */
export class ProgressReporter {
  private lastSent = 0;

  constructor(private readonly step: string) {}

  report(progress: Omit<Progress, 'phase' | 'step' | 'updatedAt' | 'attempt'> & { step?: string }, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastSent < SIGNAL_EVERY_MS) return;
    this.lastSent = now;
    const ctx = Context.current();
    const payload: Progress = { ...progress, phase: 'staging', step: this.step, attempt: ctx.info.attempt, updatedAt: new Date(now).toISOString() };
    const execution = ctx.info.workflowExecution;
    if (!execution) return;
    ctx.client.workflow
      .getHandle(execution.workflowId, execution.runId)
      .signal('progress', payload)
      .catch(() => undefined);
  }
}
