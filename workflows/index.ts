export { collect } from './collect.ts';
export { cleanse } from './cleanse.ts';
export { reconcileRuns } from './reconcile-runs.ts';
export { pipeline } from './pipeline.ts';
