import http from 'node:http';
import { now, summarize, type LatencySummary } from './harness.js';

/**
 * A constant-rate, open-loop HTTP load: request i is due at start + i/rate and is sent then,
 * whether or not earlier answers have come back, and its latency counts from when it was due
 * (so a stall of the server, or of this process, shows in the figures instead of delaying the
 * next requests — no "coordinated omission").
 *
 * Why not autocannon's `overallRate`: autocannon gives each connection a quota per second and
 * lets it send as fast as it can until the quota is used, then waits for the next second. At
 * "500 req/s" over 20 connections that is a burst at the server's full speed in the first
 * quarter of every second and nothing after: its p99 is the p99 of a saturated server with 20
 * requests in flight, not of a server asked 500 times a second.
 */
export interface PacedResult {
  sent: number;
  completed: number;
  /** Answers per second over the run (until the last answer). */
  rate: number;
  latency: LatencySummary;
  errors: number;
}

export async function pacedLoad(options: {
  base: string;
  /** The path of request i (a fixed path, or one per request). */
  path: (i: number) => string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  /** Most sockets open at once (requests beyond wait for one, still timed from their due time). */
  maxSockets?: number;
}): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const url = new URL(options.base);
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  let lastAnswer = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (i: number, due: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: options.path(i), headers: options.headers, agent },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            lastAnswer = now();
            if (res.statusCode !== 200) errors++;
            latencies.push(lastAnswer - due);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const start = now();
  while (sent < total) {
    const dueNow = Math.min(total, Math.floor((now() - start) / interval) + 1);
    for (; sent < dueNow; sent++) {
      const p = send(sent, start + sent * interval);
      inFlight.add(p);
      void p.then(() => inFlight.delete(p));
    }
    // Wake up for the next due request (timers fire at ~1 ms granularity; a late wake-up sends
    // the overdue requests at once and their latency includes the lateness).
    const next = start + sent * interval;
    await new Promise((r) => setTimeout(r, Math.max(0, next - now())));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { sent, completed: latencies.length, rate: (latencies.length / (lastAnswer - start)) * 1000, latency: summarize(latencies), errors };
}
