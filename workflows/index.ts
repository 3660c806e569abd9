export { collect } from './collect.ts';
export { cleanse } from './cleanse.ts';
export { distribute } from './distribute.ts';
export { reconcileRuns } from './reconcile-runs.ts';
export { pipeline } from './pipeline.ts';
export { share } from './share.ts';
export { scan } from './scan.ts';
export { streamIngest } from './stream-ingest.ts';
