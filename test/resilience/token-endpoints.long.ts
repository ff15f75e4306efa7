// The full token-endpoint fuzz (10,000 generated requests): the same test as token-endpoints.test.ts.
process.env.TOKEN_FUZZ_RUNS ??= '10000';
await import('./token-endpoints.test.js');
