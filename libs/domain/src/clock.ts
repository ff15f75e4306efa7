/**
 * Time is injected: everything that schedules or defaults a date asks a Clock. The deployment's
 * business clock (real time plus an offset kept in PostgreSQL) implements this outside the
 * domain; tests use FixedClock.
 */
export interface Clock {
  now(): Date;
}

export class FixedClock implements Clock {
  constructor(private instant: Date) {}
  now(): Date {
    return new Date(this.instant.getTime());
  }
  set(instant: Date): void {
    this.instant = new Date(instant.getTime());
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}

export const systemClock: Clock = { now: () => new Date() };

const DAY_MS = 86_400_000;

/** The calendar date (UTC) of an instant, `YYYY-MM-DD`. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

export function todayOf(clock: Clock): string {
  return utcDate(clock.now());
}

function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** Whole calendar days from `from` to `to` (dates `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** `expiresOn − asOf` in calendar days (the contract's daysLeft). */
export function daysLeft(expiresOn: string, asOf: string): number {
  return daysBetween(asOf, expiresOn);
}

export function addDays(date: string, days: number): string {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Is `s` a real calendar date in `YYYY-MM-DD` form? */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
