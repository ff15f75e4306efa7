import { runConcurrent, summarize, type LatencySummary } from './harness.js';
import type { Appender } from './appenders.js';
import { extensionEvent } from './workload.js';
import type { NewEvent } from '#libs/event-store';

export interface AppendWorkload {
  writers: number;
  streams: number;
  /** Calls per stream. */
  callsPerStream: number;
  /** Events per call. */
  batch: number;
  /** Distinguishes the streams of each run (so runs never collide). */
  prefix: string;
}

export interface AppendRun {
  contender: string;
  events: number;
  calls: number;
  elapsedMs: number;
  eventsPerSec: number;
  callLatency: LatencySummary;
}

/**
 * Each writer owns streams s ≡ w (mod writers) and appends to them round-robin, every call with
 * the exact expected version (a new stream the first time): the check is always exercised and
 * never fails, so the figure is the cost of a checked append, not of retries. Events are built
 * before the clock starts.
 */
export async function runAppendWorkload(
  appender: Appender,
  w: AppendWorkload,
  /** Wraps the timed part only (e.g. `meterDatabaseWork`), not the building of the events. */
  around: <T>(timed: () => Promise<T>) => Promise<T> = (timed) => timed(),
): Promise<AppendRun> {
  const streamsPerWriter = Math.ceil(w.streams / w.writers);
  const plan: { stream: string; events: NewEvent[]; expected: number }[][] = Array.from({ length: w.writers }, () => []);
  for (let call = 0; call < w.callsPerStream; call++) {
    for (let k = 0; k < streamsPerWriter; k++) {
      for (let wr = 0; wr < w.writers; wr++) {
        const s = k * w.writers + wr;
        if (s >= w.streams) continue;
        const mandate = `${w.prefix}-${String(s).padStart(5, '0')}`;
        const expected = call * w.batch;
        const events = Array.from({ length: w.batch }, (_, i) => extensionEvent(mandate, expected + i + 1));
        plan[wr].push({ stream: `mandate-${mandate}`, events, expected });
      }
    }
  }
  const opsPerWriter = Math.max(...plan.map((p) => p.length));
  const { elapsedMs, latenciesMs } = await around(() =>
    runConcurrent(w.writers, opsPerWriter, async (wr, i) => {
      const op = plan[wr][i];
      if (op) await appender.append(op.stream, op.events, op.expected);
    }),
  );
  const calls = plan.reduce((a, p) => a + p.length, 0);
  const events = calls * w.batch;
  return { contender: appender.name, events, calls, elapsedMs, eventsPerSec: (events / elapsedMs) * 1000, callLatency: summarize(latenciesMs) };
}
