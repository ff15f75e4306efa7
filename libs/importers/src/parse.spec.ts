import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minimalPdf } from '../test-support/minimal-pdf.js';
import { detectFormat } from './detect.js';
import { ImportInputError } from './errors.js';
import { parseDocument } from './parse.js';
import { toEvents } from './to-events.js';
import type { ImportedFact } from './types.js';

const ROOT = join(import.meta.dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const PRESS = 'test-fixtures/press-releases/sc14235-minusma-2531.txt';
const REPERTOIRE_EN = 'test-fixtures/repertoire-en/repertoire-2020-en-sample.txt';
const REPERTOIRE_ZH = 'samples/repertoire-2020-mali-haiti.zh.txt';
const withoutSource = ({ source: _s, ...rest }: ImportedFact) => rest;

const CSV = [
  'id,acronym,type,agenda_item,name_en,name_zh,name_fr,aliases,established_on,established_by,expires_on',
  'unamid,UNAMID,peace_operation,reports-of-the-secretary-general-on-the-sudan-and-south-sudan,African Union-United Nations Hybrid Operation in Darfur,,,,2007-07-31,S/RES/1769 (2007),',
].join('\n');

describe('detectFormat', () => {
  it('tells the genres apart', () => {
    expect(detectFormat(read(PRESS))).toBe('press-release');
    expect(detectFormat(read(REPERTOIRE_EN))).toBe('repertoire');
    expect(detectFormat(read(REPERTOIRE_ZH))).toBe('repertoire');
    expect(detectFormat(CSV)).toBe('csv');
    expect(detectFormat(new TextEncoder().encode('a,b\n1,2'), 'text/csv')).toBe('csv');
    expect(detectFormat(minimalPdf('SC/14235'), 'text/plain')).toBe('pdf');
  });

  it('classifies every press-release fixture as a press release', async () => {
    const { readdirSync } = await import('node:fs');
    for (const f of readdirSync(join(ROOT, 'test-fixtures/press-releases')).filter((n) => n.endsWith('.txt'))) {
      expect(detectFormat(read(`test-fixtures/press-releases/${f}`)), f).toBe('press-release');
    }
  });

  it('refuses unreadable input with typed errors', () => {
    expect(() => detectFormat(new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28]))).toThrow(expect.objectContaining({ name: 'ImportInputError', code: 'NOT_UTF8' }));
    expect(() => detectFormat('  \n ')).toThrow(expect.objectContaining({ code: 'EMPTY' }));
    expect(() => detectFormat(new TextEncoder().encode('hello'), 'application/pdf')).toThrow(expect.objectContaining({ code: 'NOT_PDF' }));
  });
});

describe('parseDocument', () => {
  it('dispatches press releases, the English and the Chinese Repertoire', async () => {
    const press = await parseDocument(read(PRESS));
    expect(press).toMatchObject({ format: 'press-release', language: 'en', container: 'text' });
    expect(press.facts.some((f) => f.kind === 'mandate_extended' && f.mandateId === 'minusma' && f.until === '2021-06-30')).toBe(true);

    const en = await parseDocument(read(REPERTOIRE_EN));
    expect(en).toMatchObject({ format: 'repertoire', language: 'en' });

    const zh = await parseDocument(new TextEncoder().encode(read(REPERTOIRE_ZH)));
    expect(zh).toMatchObject({ format: 'repertoire', language: 'zh' });
    // The same fact as the English press release: MINUSMA until 30 June 2021 by 2531 (2020).
    const pick = (facts: ImportedFact[]) =>
      facts.filter((f) => f.kind === 'mandate_extended' && f.mandateId === 'minusma' && f.decision === 'S/RES/2531 (2020)').map((f) => (f as { until: string }).until);
    expect(pick(zh.facts)).toEqual(pick(press.facts));
    for (const doc of [press, en, zh]) for (const f of doc.facts) expect(doc.text.slice(f.source.start, f.source.end)).toBe(f.source.quote);
  });

  it('extracts a PDF and parses its text; offsets index the extracted text', async () => {
    const text = read(PRESS);
    const doc = await parseDocument(minimalPdf(text), { contentType: 'application/pdf' });
    expect(doc.container).toBe('pdf');
    expect(doc.format).toBe('press-release');
    expect(doc.facts.map(withoutSource)).toEqual((await parseDocument(text)).facts.map(withoutSource));
    for (const f of doc.facts) expect(doc.text.slice(f.source.start, f.source.end)).toBe(f.source.quote);
  });

  it('reads a catalogue CSV, each fact pointing at its row', async () => {
    const doc = await parseDocument(CSV, { format: 'auto' });
    expect(doc.format).toBe('csv');
    expect(doc.facts).toMatchObject([{ kind: 'mandate_established', mandateId: 'unamid', acronym: 'UNAMID' }]);
    expect(doc.facts[0].source.quote.startsWith('unamid,UNAMID')).toBe(true);
  });

  it('honours an explicit format', async () => {
    const doc = await parseDocument(read(REPERTOIRE_EN), { format: 'press-release' });
    expect(doc.format).toBe('press-release');
  });

  it('refuses unreadable input with typed errors', async () => {
    await expect(parseDocument('')).rejects.toBeInstanceOf(ImportInputError);
    await expect(parseDocument(new Uint8Array([0xc3, 0x28, 0xa0, 0xa1]))).rejects.toMatchObject({ code: 'NOT_UTF8' });
    await expect(parseDocument(new TextEncoder().encode('%PDF-1.7\ngarbage'), { format: 'pdf' })).rejects.toMatchObject({ name: 'ImportInputError' });
    await expect(parseDocument('x'.repeat(20), { maxBytes: 10 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });
});

describe('facts become valid domain events', () => {
  it('every English fact validates, and the same fact from two documents is one event', async () => {
    const { readdirSync } = await import('node:fs');
    const docs = [
      ...readdirSync(join(ROOT, 'test-fixtures/press-releases')).filter((n) => n.endsWith('.txt')).map((n) => `test-fixtures/press-releases/${n}`),
      REPERTOIRE_EN,
    ];
    const ids = new Map<string, string[]>();
    for (const path of docs) {
      const doc = await parseDocument(read(path));
      const problems: Array<{ code: string }> = [];
      const events = toEvents(doc, problems as never);
      expect(problems, path).toEqual([]);
      expect(events.length, path).toBe(doc.facts.length);
      for (const e of events) ids.set(e.id, [...(ids.get(e.id) ?? []), path]);
    }
    // MINUSMA until 30 June 2021 by 2531 (2020): press release and English Repertoire, one event.
    const zh = await parseDocument(read(REPERTOIRE_ZH));
    const zhIds = new Set(toEvents(zh, []).map((e) => e.id));
    const shared = [...ids.entries()].filter(([id, paths]) => paths.length > 1 && zhIds.has(id));
    expect(shared.length).toBeGreaterThan(0);
  });
});

describe('bounded time on hostile input (5 MB)', () => {
  const FIVE_MB = 5 * 1024 * 1024;
  const timed = async (input: string | Uint8Array) => {
    const t0 = performance.now();
    const doc = await parseDocument(input);
    return { doc, ms: performance.now() - t0 };
  };

  it('random bytes are refused quickly as not UTF-8', async () => {
    const t0 = performance.now();
    await expect(parseDocument(randomBytes(FIVE_MB))).rejects.toMatchObject({ code: 'NOT_UTF8' });
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('random printable text returns within seconds', async () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,;:()-\n\n';
    const bytes = randomBytes(FIVE_MB);
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += alphabet[bytes[i] % alphabet.length];
    const { doc, ms } = await timed(text);
    expect(ms).toBeLessThan(10_000);
    expect(doc.warnings.length).toBeGreaterThan(0);
  });

  const hostile: Array<[string, () => string]> = [
    ['one endless sentence of triggers and dates', () => 'the Council extended until 30 June 2021 the mandate of MINUSMA for a further period of 12 months, which expires on 1 May 2021, by a vote of 13 in favour '.repeat(FIVE_MB / 140)],
    ['a resolution and many short sentences', () => `SC/1\n29 JUNE 2020\n\nUnanimously adopting resolution 2531 (2020). ${'The Council extended the mandate of the United Nations Mission in South Sudan until 15 March. '.repeat(FIVE_MB / 90)}`],
    ['long runs of white space after trigger words', () => `Adopting resolution 1 (2020). ${`for ${' '.repeat(50_000)}extend ${'\t'.repeat(50_000)}until `.repeat(FIVE_MB / 100_012)}`],
    ['nested brackets and digits', () => `resolution 1 (2020) ${'((((1234 (2020) '.repeat(FIVE_MB / 16)}`],
    ['periods without spaces', () => `Adopting resolution 1 (2020). ${'a.'.repeat(FIVE_MB / 2)}`],
    ['Chinese-looking noise', () => `安理会第 2531(2020)号决议 ${'延长至 2021 年 6 月 30 日 马里稳定团 '.repeat(FIVE_MB / 60)}`],
  ];
  for (const [what, make] of hostile) {
    it(`${what}: returns within seconds without throwing`, async () => {
      const { doc, ms } = await timed(make());
      expect(ms).toBeLessThan(15_000);
      expect(doc.warnings.length).toBeLessThanOrEqual(1000);
    });
  }
});
