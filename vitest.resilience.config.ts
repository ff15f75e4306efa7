import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:resilience`: the long scenarios (test/resilience/*.long.ts), one file at a time
// so that their figures are not skewed by each other.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['test/resilience/**/*.long.ts'],
      fileParallelism: false,
      testTimeout: 1_800_000,
      hookTimeout: 300_000,
    },
  }),
);
