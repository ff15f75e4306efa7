import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources: the `source` condition maps `#libs/*` to libs/*/src.
// SWC (not esbuild) compiles them so that Nest's decorator metadata is emitted.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022' } })],
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/src/**/*.spec.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
