/**
 * Calendar helpers shared by importers and projections. Dates are plain ISO `YYYY-MM-DD`
 * strings: the Council's documents name calendar days, not instants, so no time zone applies.
 */

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && year >= 1900 && year <= 2200 &&
    Number.isInteger(month) && month >= 1 && month <= 12 &&
    Number.isInteger(day) && day >= 1 && day <= daysInMonth(year, month)
  );
}

/** `2020, 6, 29` → `2020-06-29`; null when the day does not exist. */
export function toIsoDate(year: number, month: number, day: number): string | null {
  if (!isValidCalendarDate(year, month, day)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseIsoDate(iso: string): CalendarDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidCalendarDate(year, month, day) ? { year, month, day } : null;
}

/**
 * Adds calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb), the
 * way "for a period of N months" is read for mandates.
 */
export function addMonths(iso: string, months: number): string {
  const d = parseIsoDate(iso);
  if (!d) throw new Error(`not an ISO date: ${iso}`);
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return toIsoDate(year, month, Math.min(d.day, daysInMonth(year, month)))!;
}

export function compareIsoDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Full-width digits (０-９) to ASCII; Chinese PDF text mixes both. */
export function asciiDigits(text: string): string {
  return text.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
}

// Bounded spacing: no backtracking blow-up on hostile input.
const ZH_DATE = /(?:(\d{4})\s{0,4}年\s{0,4})?(\d{1,2})\s{0,4}月\s{0,4}(\d{1,2})\s{0,4}日/g;

export interface ZhDateMatch {
  /** Offsets of the match in the searched text (UTF-16). */
  start: number;
  end: number;
  year: number | null;
  month: number;
  day: number;
}

/**
 * Finds Chinese dates `2020 年 1 月 15 日`, `2020年10月15日` and year-less `6 月 29 日`
 * (any spacing, full-width digits) in order. The year stays null when the text omits it: the
 * caller knows the context (the section's year, the row's date) and resolves it.
 */
export function findZhDates(text: string): ZhDateMatch[] {
  const src = asciiDigits(text); // same length: one code unit per digit either way
  const out: ZhDateMatch[] = [];
  ZH_DATE.lastIndex = 0;
  for (let m = ZH_DATE.exec(src); m; m = ZH_DATE.exec(src)) {
    out.push({
      start: m.index,
      end: m.index + m[0].length,
      year: m[1] ? Number(m[1]) : null,
      month: Number(m[2]),
      day: Number(m[3]),
    });
  }
  return out;
}

/** Parses one Chinese date; `defaultYear` fills an omitted year. */
export function parseZhDate(text: string, defaultYear?: number): string | null {
  const [m] = findZhDates(text);
  if (!m) return null;
  const year = m.year ?? defaultYear;
  return year === undefined ? null : toIsoDate(year, m.month, m.day);
}

const EN_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** `30 June 2021`, `June 30, 2021` → `2021-06-30`; null otherwise. */
export function parseEnDate(text: string): string | null {
  const s = text.trim().toLowerCase();
  let m = /^(\d{1,2})\s+([a-z]+)\s+(\d{4})$/.exec(s);
  if (m) {
    const month = EN_MONTHS.indexOf(m[2]) + 1;
    return month ? toIsoDate(Number(m[3]), month, Number(m[1])) : null;
  }
  m = /^([a-z]+)\s+(\d{1,2}),?\s+(\d{4})$/.exec(s);
  if (m) {
    const month = EN_MONTHS.indexOf(m[1]) + 1;
    return month ? toIsoDate(Number(m[3]), month, Number(m[2])) : null;
  }
  return null;
}
