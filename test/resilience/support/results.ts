import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const RESULTS_DIR = path.resolve(import.meta.dirname, '../results');

/** One row of docs/RELIABILITY.md, as measured by a committed test run. */
export interface ScenarioResult {
  /** Stable id: the file name under test/resilience/results/. */
  id: string;
  scenario: string;
  injected: string;
  /** What should have come out (events projected, writes acknowledged, deliveries…). */
  expected: number;
  observed: number;
  unit: string;
  duplicates: number;
  losses: number;
  /** Responses with a 5xx status that were not the designed 503 of a dependency outage. */
  unexpected5xx: number;
  /** Anything else worth a column (503s seen during the outage, durations, …). */
  notes?: Record<string, unknown>;
}

/** Written only when the test's assertions have run: a failed run leaves the previous figures. */
export async function writeResult(result: ScenarioResult): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const out = { ...result, recordedAt: new Date().toISOString(), node: process.version };
  await writeFile(path.join(RESULTS_DIR, `${result.id}.json`), `${JSON.stringify(out, null, 2)}\n`);
}
