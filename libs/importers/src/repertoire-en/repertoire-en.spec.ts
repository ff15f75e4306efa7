import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportedFact } from '../types.js';
import { parseRepertoireEn } from './index.js';

const FIXTURE = join(import.meta.dirname, '../../test-fixtures/repertoire-en/repertoire-2020-en-sample');
const withoutSource = ({ source: _s, ...rest }: ImportedFact) => rest;

describe('parseRepertoireEn', () => {
  it('reads decisions, extensions and report requests from the narrative (sample written by us)', () => {
    const text = readFileSync(`${FIXTURE}.txt`, 'utf8');
    const expected = JSON.parse(readFileSync(`${FIXTURE}.expected.json`, 'utf8')) as { facts: unknown[]; warnings: string[]; notFactDates: string[] };
    const result = parseRepertoireEn(text);
    expect(result.format).toBe('repertoire');
    expect(result.language).toBe('en');
    expect(result.facts.map(withoutSource)).toEqual(expected.facts);
    expect(result.warnings.map((w) => w.code)).toEqual(expected.warnings);
    for (const f of result.facts) expect(text.slice(f.source.start, f.source.end)).toBe(f.source.quote);
    const dates = result.facts.flatMap((f) => [(f as { until?: string }).until, (f as { dueOn?: string }).dueOn]);
    for (const d of expected.notFactDates) expect(dates).not.toContain(d);
  });

  it('gives the same MINUSMA fact as the press release of the same decision', async () => {
    const { parsePressRelease } = await import('../press-release/index.js');
    const press = parsePressRelease(readFileSync(join(import.meta.dirname, '../../test-fixtures/press-releases/sc14235-minusma-2531.txt'), 'utf8'));
    const rep = parseRepertoireEn(readFileSync(`${FIXTURE}.txt`, 'utf8'));
    const pick = (facts: ImportedFact[]) => facts.filter((f) => f.kind === 'mandate_extended' && f.mandateId === 'minusma').map(withoutSource);
    expect(pick(rep.facts)).toEqual(pick(press.facts));
  });
});
