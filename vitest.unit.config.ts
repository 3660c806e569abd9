import { defineConfig } from 'vitest/config';

// Pure unit tests: no global setup (no Temporal server, no databases).
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/unit/**/*.test.ts'],
  },
});
