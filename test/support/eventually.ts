/**
 * Re-runs `probe` until `done` accepts its result. The gap-safe feed only shows events below the
 * oldest transaction still open anywhere in the PostgreSQL cluster (other test files included),
 * so a read right after a write may legitimately see nothing yet: tests wait for the condition
 * instead of expecting it at once. Not a timing assertion: the timeout only bounds a hang.
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let pause = 10;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 200);
  }
}
