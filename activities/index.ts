export { startRun, finishRun, abandonStaging, noteRunWarning } from './runs/run-records.ts';
export { stageCollect } from './collect/stage-collect.ts';
export { publishCollect } from './collect/publish-collect.ts';
export { stageSourceKeys } from './collect/stage-source-keys.ts';
export { stageCleanse } from './cleanse/stage-cleanse.ts';
export { publishCleanse } from './cleanse/publish-cleanse.ts';
export { reconcileOpenRuns } from './runs/reconcile-activity.ts';
export { stageDistribute } from './distribute/stage-distribute.ts';
export { publishDistribute } from './distribute/publish-distribute.ts';
