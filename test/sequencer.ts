import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that read what the whole suite left behind (every workflow history) run after all others. */
export const RUNS_LAST = ['test/integration/workflow-histories.test.ts'];

export class SuiteSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const last = (f: TestSpecification) => RUNS_LAST.some((path) => f.moduleId.endsWith(path));
    return [...sorted.filter((f) => !last(f)), ...sorted.filter(last)];
  }
}
