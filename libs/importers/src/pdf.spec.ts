import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { minimalPdf } from '../test-support/minimal-pdf.js';
import { ImportInputError } from './errors.js';
import { extractPdfText } from './pdf.js';
import { parsePressRelease } from './press-release/index.js';
import type { ImportedFact } from './types.js';

const FIXTURES = join(import.meta.dirname, '../test-fixtures/press-releases');
const withoutSource = ({ source: _s, ...rest }: ImportedFact) => rest;

describe('extractPdfText', () => {
  it('extracts a press release from a real PDF so that parsing gives the same facts as the text', async () => {
    for (const name of ['sc14235-minusma-2531', 'sc14291-mali-sanctions-2541', 'sc14121-yemen-2511']) {
      const text = readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
      const pdf = await extractPdfText(minimalPdf(text), { maxPages: 10, timeoutMs: 10_000 });
      expect(pdf.pages).toBeGreaterThanOrEqual(1);
      expect(pdf.truncated).toBe(false);
      const fromPdf = parsePressRelease(pdf.text);
      const fromText = parsePressRelease(text);
      expect(fromPdf.facts.map(withoutSource)).toEqual(fromText.facts.map(withoutSource));
      for (const f of fromPdf.facts) expect(pdf.text.slice(f.source.start, f.source.end)).toBe(f.source.quote);
    }
  });

  it('rebuilds lines and paragraph breaks from item positions', async () => {
    const pdf = await extractPdfText(minimalPdf('First line\nsecond line\n\nNew paragraph'));
    expect(pdf.text).toBe('First line\nsecond line\n\nNew paragraph');
  });

  it('joins words hyphenated at line ends, keeps real hyphens, and still finds the mandate', async () => {
    const text = 'SC/14235\n29 JUNE 2020\n\nUnanimously adopting resolution 2531 (2020), the Council extended\nthe mandate of the United Nations Multidimensional Integrated Stabiliza-\ntion Mission in Mali until 30 June 2021. The African Union-\nUnited Nations Hybrid Operation was mentioned.';
    const pdf = await extractPdfText(minimalPdf(text, { wrapAt: 200 }));
    expect(pdf.text).toContain('Integrated Stabilization Mission in Mali');
    expect(pdf.text).toContain('African Union-\nUnited Nations');
    expect(parsePressRelease(pdf.text).facts.filter((f) => f.kind === 'mandate_extended')).toMatchObject([{ mandateId: 'minusma', until: '2021-06-30' }]);
  });

  it('reads at most maxPages pages and says so', async () => {
    const text = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1}.`).join('\n\n');
    const pdf = await extractPdfText(minimalPdf(text, { linesPerPage: 10 }), { maxPages: 2 });
    expect(pdf.pages).toBe(2);
    expect(pdf.totalPages).toBeGreaterThan(2);
    expect(pdf.truncated).toBe(true);
    expect(pdf.text).toContain('Paragraph 1.');
    expect(pdf.text).not.toContain('Paragraph 30.');
  });

  it('rejects bytes that are not a PDF with a typed error', async () => {
    await expect(extractPdfText(new TextEncoder().encode('SC/14235 29 JUNE 2020'))).rejects.toMatchObject({ name: 'ImportInputError', code: 'NOT_PDF' });
    await expect(extractPdfText(new Uint8Array())).rejects.toBeInstanceOf(ImportInputError);
  });

  it('rejects a damaged PDF with a typed error', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref');
    await expect(extractPdfText(bytes, { timeoutMs: 5000 })).rejects.toMatchObject({ name: 'ImportInputError' });
  });

  it('gives up after timeoutMs', async () => {
    const text = Array.from({ length: 400 }, (_, i) => `Paragraph ${i + 1} of a long document.`).join('\n\n');
    await expect(extractPdfText(minimalPdf(text, { linesPerPage: 4 }), { timeoutMs: 1, maxPages: 1000 })).rejects.toMatchObject({ code: 'PDF_TIMEOUT' });
  });
});
