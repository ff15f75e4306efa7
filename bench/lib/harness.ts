import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Shared helpers of the benchmarks: timing, percentiles, tables, result files, the machine. */

export const now = (): number => performance.now();

/** Root of the repository (works from bench/ sources and from dist/bench). */
export const repoRoot = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '../../..') : path.resolve(here, '../..');
})();

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(samplesMs: number[]): LatencySummary {
  const s = [...samplesMs].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    count: s.length,
    meanMs: round(sum / Math.max(1, s.length), 3),
    p50Ms: round(percentile(s, 50), 3),
    p90Ms: round(percentile(s, 90), 3),
    p99Ms: round(percentile(s, 99), 3),
    maxMs: round(s.at(-1) ?? NaN, 3),
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * Runs `workers` concurrent loops; each calls `op(worker, i)` for its share of `total`
 * operations (i = 0..). Returns wall time and each operation's latency.
 */
export async function runConcurrent(
  workers: number,
  opsPerWorker: number,
  op: (worker: number, i: number) => Promise<void>,
): Promise<{ elapsedMs: number; latenciesMs: number[] }> {
  const latencies: number[] = [];
  const start = now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; i < opsPerWorker; i++) {
        const t = now();
        await op(w, i);
        latencies.push(now() - t);
      }
    }),
  );
  return { elapsedMs: now() - start, latenciesMs: latencies };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = now();
  const value = await fn();
  return { ms: now() - t, value };
}

/** The tables printed since the last result file: each result file keeps its benchmark's (see bench/report.ts). */
const printed: PrintedTable[] = [];
export interface PrintedTable {
  title: string;
  rows: Record<string, unknown>[];
}

/** Prints rows as an aligned text table (first row's keys are the columns). */
export function printTable(title: string, rows: Record<string, unknown>[]): void {
  printed.push({ title, rows });
  console.log(`\n${title}`);
  if (rows.length === 0) {
    console.log('  (no rows)');
    return;
  }
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v ?? ''));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => '  ' + vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(line(cols));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(Math.abs(v) >= 10 ? 1 : 2);
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  pgSettings: Record<string, string>;
  /** 1/5/15-minute load averages when measured: other work on the machine skews every figure. */
  loadAverage: number[];
  at: string;
}

export async function machineInfo(pool: Pick<pg.Pool, 'query'>): Promise<Machine> {
  const v = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const settings = await pool.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_wal_size', 'work_mem')`,
  );
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    postgres: v.rows[0].v,
    pgSettings: Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])),
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    at: new Date().toISOString(),
  };
}

/** Writes bench/results/<name>.json (in the sources, not in dist). */
export async function writeResults(name: string, data: Record<string, unknown>): Promise<string> {
  const dir = path.join(repoRoot, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const tables = printed.splice(0);
  await writeFile(file, JSON.stringify({ ...data, loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)), finishedAt: new Date().toISOString(), tables }, null, 2) + '\n');
  console.log(`\nresults: ${path.relative(repoRoot, file)}`);
  return file;
}

/** A ratio, with the target and whether it is met, for the summary tables. */
export function verdict(value: number, target: number): string {
  return `${round(value, 2)} (target ${target}) ${value >= target ? 'MET' : 'MISSED'}`;
}

export const log = (msg: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Whether this module is the process's entry point (so each bench runs alone or from run-all). */
export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);
}

/** User + system CPU milliseconds of a process so far (Linux /proc); 0 once it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

/**
 * What a piece of database work costs, independent of how busy the machine is: the CPU time of
 * this process and of the PostgreSQL backends connected to the pool's database (other than the
 * meter's own), and the WAL bytes written meanwhile (the whole server's: run nothing else on it
 * while measuring). Wall-clock throughput swings 2-3x with the load on a shared machine; these
 * do far less, so they show where a contender's time goes.
 */
export async function meterDatabaseWork<T>(pool: Pick<pg.Pool, 'query'>, work: () => Promise<T>): Promise<{ value: T; nodeCpuMs: number; pgCpuMs: number; walBytes: number }> {
  const backends = async () =>
    (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid);
  const pids = await backends();
  const before = new Map(pids.map((pid) => [pid, processCpuMs(pid)]));
  const lsn = (await pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
  const cpu0 = process.cpuUsage();
  const value = await work();
  const cpu = process.cpuUsage(cpu0);
  const wal = await pool.query<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint::text AS bytes', [lsn]);
  // Backends that connected during the work count from zero.
  const pgCpuMs = (await backends()).reduce((sum, pid) => sum + processCpuMs(pid) - (before.get(pid) ?? 0), 0);
  return { value, nodeCpuMs: (cpu.user + cpu.system) / 1000, pgCpuMs, walBytes: Number(wal.rows[0].bytes) };
}
