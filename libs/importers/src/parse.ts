import { catalogueFacts, mergeCatalogue, parseCatalogueCsv, BASE_CATALOGUE, type CatalogueEntry } from './catalogue/index.js';
import { decodeUtf8, detectFormat, languageOf, type DetectedFormat } from './detect.js';
import { ImportInputError } from './errors.js';
import { extractPdfText, PDF_DEFAULTS, type PdfTextOptions } from './pdf.js';
import { parsePressRelease } from './press-release/index.js';
import { parseRepertoireEn } from './repertoire-en/index.js';
import { parseRepertoireZh } from './repertoire-zh/index.js';
import type { ImportWarning, ImportedFact, ParseResult, SourceSpan } from './types.js';

/**
 * One entry point for every importable document: detects (or takes) the format, extracts the
 * text of a PDF, and dispatches to the parser of the genre and language. The result carries the
 * text that the facts' offsets index into (for a PDF, its extracted text).
 *
 * Unreadable input (empty, not UTF-8, not a PDF, damaged or slow PDF, too large) throws a typed
 * ImportInputError; readable text never throws, whatever it contains: odd content gives warnings.
 */

export interface ParseDocumentOptions {
  format?: 'auto' | DetectedFormat;
  contentType?: string;
  /** Mandate catalogue (base catalogue plus a user's CSV); defaults to the base catalogue. */
  catalogue?: readonly CatalogueEntry[];
  pdf?: PdfTextOptions;
  /** Largest accepted body, in bytes (UTF-8 for text). */
  maxBytes?: number;
}

export interface ParsedDocument extends ParseResult {
  /** The text the facts' offsets index into. */
  text: string;
  /** How the text was obtained. */
  container: 'text' | 'pdf';
  pdf?: { pages: number; totalPages: number; truncated: boolean };
}

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** Line spans of a CSV text, to point catalogue facts and row errors at their rows. */
function csvRowSpans(text: string): SourceSpan[] {
  const rows: SourceSpan[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    const end = start + line.length;
    const trimmedEnd = line.endsWith('\r') ? end - 1 : end;
    rows.push({ start, end: trimmedEnd, quote: text.slice(start, trimmedEnd) });
    start = end + 1;
  }
  return rows;
}

/** Catalogue CSV: `mandate_established` facts for its rows, pointing at each row's line. */
function parseCsv(text: string, base: readonly CatalogueEntry[]): ParseResult {
  const { entries, errors } = parseCatalogueCsv(text);
  const rows = csvRowSpans(text);
  const firstCell = (row: SourceSpan) => row.quote.split(',', 1)[0].trim().replace(/^"|"$/g, '');
  const facts: ImportedFact[] = catalogueFacts(mergeCatalogue(base, entries).filter((e) => entries.some((x) => x.id === e.id))).map((f) => {
    const row = rows.find((r, i) => i > 0 && firstCell(r) === f.mandateId);
    return { ...f, source: row ?? { start: 0, end: 0, quote: '' } };
  });
  const warnings: ImportWarning[] = errors.map((e) => ({
    code: 'CSV_ROW_INVALID',
    message: `${e.row ? `row ${e.row}` : 'file'}${e.column ? `, column ${e.column}` : ''}: ${e.message}`,
    ...(e.row > 0 && rows[e.row - 1] ? { source: rows[e.row - 1] } : {}),
  }));
  return { format: 'csv', facts, warnings };
}

function parseText(text: string, format: Exclude<DetectedFormat, 'pdf'>, catalogue: readonly CatalogueEntry[] | undefined): ParseResult {
  switch (format) {
    case 'csv':
      return parseCsv(text, catalogue ?? BASE_CATALOGUE);
    case 'repertoire':
      return languageOf(text) === 'zh' ? parseRepertoireZh(text, { catalogue }) : parseRepertoireEn(text, { catalogue });
    case 'press-release':
      return parsePressRelease(text, { catalogue });
  }
}

/** Runs a text parser; a defect in a parser becomes a warning, not a failed import of good text. */
function safely(text: string, format: Exclude<DetectedFormat, 'pdf'>, catalogue: readonly CatalogueEntry[] | undefined): ParseResult {
  try {
    return parseText(text, format, catalogue);
  } catch (e) {
    return {
      format,
      facts: [],
      warnings: [{ code: 'PARSER_FAILED', message: `the ${format} parser could not read this text: ${(e as Error).message ?? String(e)}` }],
    };
  }
}

export async function parseDocument(input: string | Uint8Array, options: ParseDocumentOptions = {}): Promise<ParsedDocument> {
  const maxBytes = options.maxBytes ?? MAX_DOCUMENT_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > maxBytes) throw new ImportInputError('TOO_LARGE', `the document has ${size} bytes; the limit is ${maxBytes}`);
  const requested = options.format && options.format !== 'auto' ? options.format : null;
  const format = requested ?? detectFormat(input, options.contentType);

  if (format === 'pdf') {
    const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    const pdf = await extractPdfText(bytes, { ...PDF_DEFAULTS, ...options.pdf });
    if (!pdf.text.trim()) {
      throw new ImportInputError('PDF_UNREADABLE', 'the PDF has no extractable text (a scanned document needs OCR first)');
    }
    const textFormat = detectFormat(pdf.text);
    const result = safely(pdf.text, textFormat === 'pdf' ? 'press-release' : textFormat, options.catalogue);
    const warnings = [...result.warnings];
    if (pdf.truncated) {
      warnings.push({ code: 'PDF_TRUNCATED', message: `only the first ${pdf.pages} of ${pdf.totalPages} pages were read` });
    }
    return { ...result, warnings, text: pdf.text, container: 'pdf', pdf: { pages: pdf.pages, totalPages: pdf.totalPages, truncated: pdf.truncated } };
  }

  const text = typeof input === 'string' ? input : decodeUtf8(input);
  if (!text.trim()) throw new ImportInputError('EMPTY', 'the document is empty');
  return { ...safely(text, format, options.catalogue), text, container: 'text' };
}
