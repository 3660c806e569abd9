import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Progress } from '../schemas/progress.ts';
import type { StreamRunState, StreamStatus } from '../schemas/stream-run.ts';

export const progressSignal = defineSignal<[Progress]>('progress');
export const progressQuery = defineQuery<Progress>('progress');

export const DataOpsJob = defineSearchAttributeKey('DataOpsJob', SearchAttributeType.KEYWORD);
export const DataOpsKind = defineSearchAttributeKey('DataOpsKind', SearchAttributeType.KEYWORD);
export const DataOpsDataset = defineSearchAttributeKey('DataOpsDataset', SearchAttributeType.KEYWORD);
export const DataOpsDepartment = defineSearchAttributeKey('DataOpsDepartment', SearchAttributeType.KEYWORD);
export const DataOpsRecords = defineSearchAttributeKey('DataOpsRecords', SearchAttributeType.INT);
export const DataOpsAccuracy = defineSearchAttributeKey('DataOpsAccuracy', SearchAttributeType.DOUBLE);

/** Every custom search attribute dataops sets: registration (dev server, `setup-temporal`) is derived from this list. */
export const DATAOPS_SEARCH_ATTRIBUTES = [DataOpsJob, DataOpsKind, DataOpsDataset, DataOpsDepartment, DataOpsRecords, DataOpsAccuracy] as const;

/** Set by Temporal on every workflow a schedule starts (backfills included): the time it was scheduled for. */
export const TemporalScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** Stream control: by signal (fire and forget) or by update (answers with the state it reached). */
export type StreamControl = 'pause' | 'resume' | 'stop';
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const stopSignal = defineSignal('stop');
export const streamControlUpdate = defineUpdate<StreamRunState, [StreamControl]>('control');
export const streamStatusQuery = defineQuery<StreamStatus>('streamStatus');

/** The workflow type a job kind runs as: the workflow function's name (`stream-publish` → `streamPublish`, `collect` → `collect`). */
export function workflowTypeOf(kind: string): string {
  return kind.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
