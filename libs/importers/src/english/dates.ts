import { addMonths, toIsoDate } from '#libs/domain';

/**
 * English dates in running text, with their offsets. Press releases write `30 June 2021`, news
 * copies `June 30, 2021`, and both omit the year when it is obvious (`until 31 July`,
 * `by 10 January`): the year then stays null and the caller resolves it from context.
 */
export interface EnDateMatch {
  start: number;
  end: number;
  year: number | null;
  month: number;
  day: number;
}

const MONTHS: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5,
  june: 6, jun: 6, july: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9,
  october: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12,
};

// One alternation of month spellings, longest first so `September` is not read as `Sep`.
const MONTH = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
// Day-month-year (UN style) or month-day-year (US style); every quantifier is bounded.
// White space inside a date may be a line break: PDF text wraps dates across lines.
const DATE_SOURCE = `\\b(?:(\\d{1,2})\\s{1,3}(${MONTH})\\.?(?:,?\\s{1,3}(\\d{4}))?|(${MONTH})\\.?\\s{1,3}(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s{1,3}(\\d{4}))?)\\b`;

export function dateRegex(flags = 'gi'): RegExp {
  return new RegExp(DATE_SOURCE, flags);
}

/** Source text of the date pattern, to embed in trigger patterns (`until <date>`). */
export const DATE_PATTERN = DATE_SOURCE;

function toMatch(m: RegExpExecArray, offset = 0): EnDateMatch | null {
  const dayText = m[1] ?? m[5];
  const monthText = (m[2] ?? m[4]).toLowerCase();
  const yearText = m[3] ?? m[6];
  const day = Number(dayText);
  const month = MONTHS[monthText];
  if (!month || day < 1 || day > 31) return null;
  // "June 2015" is not 20 June: the pattern's final \b refuses a day cut out of a year.
  return { start: offset + m.index, end: offset + m.index + m[0].length, year: yearText ? Number(yearText) : null, month, day };
}

export function findEnDates(text: string): EnDateMatch[] {
  const out: EnDateMatch[] = [];
  const re = dateRegex();
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const d = toMatch(m);
    if (d) out.push(d);
  }
  return out;
}

/** The date at the start of `text` (after optional spaces), or null. */
export function dateAt(text: string, from: number): EnDateMatch | null {
  const re = dateRegex('yi');
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? toMatch(m) : null;
}

/** ISO date of a match whose year is known; null when the day does not exist. */
export function isoOf(d: EnDateMatch, fallbackYear?: number | null): string | null {
  const year = d.year ?? fallbackYear;
  return year ? toIsoDate(year, d.month, d.day) : null;
}

/**
 * A year-less deadline or expiry ("by 10 January") is the first such day on or after the
 * reference date (the adoption): Council deadlines always lie ahead of the decision.
 */
export function isoOnOrAfter(d: EnDateMatch, reference: string): string | null {
  if (d.year) return toIsoDate(d.year, d.month, d.day);
  const refYear = Number(reference.slice(0, 4));
  const sameYear = toIsoDate(refYear, d.month, d.day);
  if (sameYear && sameYear >= reference) return sameYear;
  return toIsoDate(refYear + 1, d.month, d.day);
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, eighteen: 18,
  'twenty-four': 24, a: 1, an: 1, another: 1,
};

/** `12`, `twelve`, `a` → a number; null otherwise. */
export function numberOf(word: string): number | null {
  const w = word.toLowerCase();
  if (/^\d{1,3}$/.test(w)) return Number(w);
  return NUMBER_WORDS[w] ?? null;
}

export const NUMBER_WORD_PATTERN = `\\d{1,3}|${Object.keys(NUMBER_WORDS).sort((a, b) => b.length - a.length).join('|')}`;

/** Adds a period of `count` months or years to an ISO date. */
export function addPeriod(iso: string, count: number, unit: 'month' | 'year'): string {
  return addMonths(iso, unit === 'year' ? count * 12 : count);
}
