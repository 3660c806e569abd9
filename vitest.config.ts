import { defineConfig } from 'vitest/config';
import { SuiteSequencer } from './test/sequencer.ts';

// Forks, not threads: the Temporal SDK's native bridge does not survive worker threads.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    sequence: { sequencer: SuiteSequencer },
  },
});
