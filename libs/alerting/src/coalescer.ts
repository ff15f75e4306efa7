/**
 * Gathers calls made while a batch is in flight into the next batch: the first call starts at
 * once (no added wait when idle); under load, many calls share one statement. Each caller gets
 * its own result once its batch has finished — so a caller that awaits a write knows it is
 * committed, exactly as with one statement per call. A failed batch fails each of its callers.
 */
export class Coalescer<K, R> {
  private waiting: { key: K; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private busy = false;

  constructor(
    private readonly flush: (keys: K[]) => Promise<R[]>,
    private readonly maxBatch = 100,
  ) {}

  run(key: K): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.busy) void this.next();
    });
  }

  private async next(): Promise<void> {
    const batch = this.waiting.splice(0, this.maxBatch);
    this.busy = batch.length > 0;
    if (!this.busy) return;
    try {
      const results = await this.flush(batch.map((b) => b.key));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
    void this.next();
  }
}
