import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// `npm run test:resilience`: the long scenarios (test/resilience/*.long.ts), one file at a time
// so that their figures are not skewed by each other. Same compilation as vitest.config.ts.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022' } })],
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['test/resilience/**/*.long.ts'],
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
  },
});
