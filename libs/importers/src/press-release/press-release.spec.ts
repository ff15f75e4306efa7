import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_CATALOGUE, type CatalogueEntry } from '../catalogue/index.js';
import type { ImportedFact, ParseResult } from '../types.js';
import { parsePressRelease } from './index.js';

const FIXTURES = join(import.meta.dirname, '../../test-fixtures/press-releases');

interface Expected {
  facts: Array<Record<string, unknown>>;
  warnings: string[];
  notFactDates: string[];
  withExtraCatalogue?: { facts: Array<Record<string, unknown>>; warnings: string[] };
}

const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.replace(/\.txt$/, ''));

function withoutSource(f: ImportedFact): Record<string, unknown> {
  const { source: _source, ...rest } = f;
  return rest;
}

/** Every fact's quote is exactly the text at its offsets (UTF-16 code units). */
function expectOffsets(text: string, result: ParseResult) {
  for (const f of result.facts) {
    expect(f.source.start).toBeGreaterThanOrEqual(0);
    expect(f.source.end).toBeLessThanOrEqual(text.length);
    expect(text.slice(f.source.start, f.source.end)).toBe(f.source.quote);
  }
  for (const w of result.warnings) if (w.source) expect(text.slice(w.source.start, w.source.end)).toBe(w.source.quote);
}

function factDates(f: ImportedFact): string[] {
  const d = f as unknown as Record<string, unknown>;
  return [d.until, d.on, d.dueOn].filter((x): x is string => typeof x === 'string');
}

// A catalogue entry a user would add by CSV for a mandate that ended before the base catalogue.
const UNAMID: CatalogueEntry = {
  id: 'unamid',
  acronym: 'UNAMID',
  type: 'peace_operation',
  agendaItem: 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan',
  names: { en: 'African Union-United Nations Hybrid Operation in Darfur', zh: null, fr: null },
  aliases: [],
  establishedBy: 'S/RES/1769 (2007)',
  establishedOn: '2007-07-31',
  expiresOn: null,
  sources: ['test'],
};

describe('parsePressRelease on real press releases', () => {
  it('has at least 12 fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(12));

  for (const name of fixtures) {
    it(`${name}: extracts exactly the expected facts`, () => {
      const text = readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
      const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected;
      const result = parsePressRelease(text);
      expect(result.format).toBe('press-release');
      expect(result.language).toBe('en');
      expect(result.facts.map(withoutSource)).toEqual(expected.facts);
      expect([...new Set(result.warnings.map((w) => w.code))].sort()).toEqual([...new Set(expected.warnings)].sort());
      expectOffsets(text, result);
      const dates = result.facts.flatMap(factDates);
      for (const d of expected.notFactDates) expect(dates).not.toContain(d);

      if (expected.withExtraCatalogue) {
        const extended = parsePressRelease(text, { catalogue: [...BASE_CATALOGUE, UNAMID] });
        expect(extended.facts.map(withoutSource)).toEqual(expected.withExtraCatalogue.facts);
        expect([...new Set(extended.warnings.map((w) => w.code))].sort()).toEqual([...new Set(expected.withExtraCatalogue.warnings)].sort());
        expectOffsets(text, extended);
      }
    });
  }
});
