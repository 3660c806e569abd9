import { Context } from '@temporalio/activity';
import type { StreamPublishJobSpec } from '../../schemas/job-spec.ts';

export const PUBLISH_STEP = 'stream-publish';

/** A pass's checkpoint and metrics name: one pass per run, or numbered passes of a following run. */
export function publishStep(spec: Pick<StreamPublishJobSpec, 'follow'>, pass: number): string {
  return spec.follow ? `${PUBLISH_STEP}.${pass}` : PUBLISH_STEP;
}

export interface PublishStreamInput {
  runId: string;
  spec: StreamPublishJobSpec;
  /** 1 for a single-pass run; the pass number of a following one. */
  pass: number;
  /** The latest change time this pass may read (a scheduled run's time); following runs read up to now - lag. */
  notAfter?: string;
}

/** How long the pass has taken since its first attempt was scheduled. */
export function passDurationMs(): number {
  return Date.now() - Context.current().info.scheduledTimestampMs;
}
