// The full hostile-input run (≥ 10,000 generated requests): the same tests as hostile-input.test.ts.
process.env.FUZZ_RUNS ??= '10000';
await import('./hostile-input.test.js');
