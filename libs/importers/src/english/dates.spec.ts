import { describe, expect, it } from 'vitest';
import { addPeriod, findEnDates, isoOf, isoOnOrAfter } from './dates.js';
import { splitSentences } from './sentences.js';

describe('English dates', () => {
  it('finds UN-style, US-style, year-less and line-wrapped dates with their offsets', () => {
    const text = 'until 30 June 2021, by June 30, 2021, by 10 January and 31\nAugust 2021';
    const found = findEnDates(text);
    expect(found.map((d) => isoOf(d, 2020))).toEqual(['2021-06-30', '2021-06-30', '2020-01-10', '2021-08-31']);
    expect(found.map((d) => text.slice(d.start, d.end))).toEqual(['30 June 2021', 'June 30, 2021', '10 January', '31\nAugust 2021']);
  });

  it('does not read a month and year, a number or an impossible day as a date', () => {
    expect(findEnDates('signed in June 2015 with 13,289 personnel')).toEqual([]);
    expect(findEnDates('31 February 2021').map((d) => isoOf(d))).toEqual([null]);
  });

  it('puts a year-less deadline on or after the adoption', () => {
    const [d] = findEnDates('by 10 January');
    expect(isoOnOrAfter(d, '2020-07-28')).toBe('2021-01-10');
    expect(isoOnOrAfter(d, '2020-01-05')).toBe('2020-01-10');
  });

  it('adds periods by calendar month, clamping to the month end', () => {
    expect(addPeriod('2020-06-30', 12, 'month')).toBe('2021-06-30');
    expect(addPeriod('2020-02-29', 1, 'year')).toBe('2021-02-28');
  });
});

describe('sentences', () => {
  it('splits at full stops and blank lines, keeps footnote numbers and abbreviations in their sentence', () => {
    const text = 'Headline without stop\n\nIt extended MINUSMA until 30 June 2021.346 By the same resolution, it acted. It ended at 10:34 a.m. and later S/PV.8763 was issued.';
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual([
      'Headline without stop',
      'It extended MINUSMA until 30 June 2021.346',
      'By the same resolution, it acted.',
      'It ended at 10:34 a.m. and later S/PV.8763 was issued.',
    ]);
  });
});
