import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Progress } from '../schemas/progress.ts';

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
