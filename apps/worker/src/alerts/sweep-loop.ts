/**
 * Runs the sweep on request, one at a time per process: a request made while a sweep runs makes
 * one more run afterwards (so a clock move or a projection update during a sweep is not missed),
 * and any number of requests meanwhile collapse into that one.
 */
export class SweepLoop<T> {
  private running: Promise<T> | null = null;
  private again: Promise<T> | null = null;
  private stopped = false;

  constructor(
    private readonly sweep: () => Promise<T>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Resolves with the result of a sweep that started after this call. */
  request(): Promise<T> {
    if (this.stopped) return Promise.reject(new Error('stopped'));
    if (!this.running) {
      this.running = this.sweep().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    if (!this.again) {
      this.again = this.running
        .catch(() => undefined)
        .then(() => {
          this.again = null;
          return this.request();
        });
    }
    return this.again;
  }

  /** Fire and forget (errors go to onError). */
  kick(): void {
    if (this.stopped) return;
    this.request().catch((err) => this.onError(err));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([this.running, this.again]);
  }
}
