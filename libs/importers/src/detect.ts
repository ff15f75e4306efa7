import { ImportInputError } from './errors.js';
import { looksLikePdf } from './pdf.js';
import { readDateline } from './press-release/index.js';

/**
 * Which importer a document needs. Bytes are looked at first (a PDF says so in its header,
 * whatever the client's content type claims); text is then told apart by the marks of each
 * genre. Only the first part of a text is examined, so detection is fast on any input.
 */
export type DetectedFormat = 'repertoire' | 'press-release' | 'pdf' | 'csv';

const SAMPLE = 20_000;

/** UTF-8 text of a body; a byte-order mark is dropped. Unreadable bytes are an input error. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (e) {
    throw new ImportInputError('NOT_UTF8', 'the document is not valid UTF-8 text (send PDFs as application/pdf)', { cause: e });
  }
}

/** Share of CJK ideographs among the letters of a sample. */
export function cjkRatio(text: string): number {
  const sample = text.slice(0, SAMPLE);
  const cjk = sample.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  const latin = sample.match(/[A-Za-z]/g)?.length ?? 0;
  return cjk + latin === 0 ? 0 : cjk / (cjk + latin);
}

export function languageOf(text: string): 'zh' | 'en' {
  return cjkRatio(text) > 0.2 ? 'zh' : 'en';
}

/** The catalogue CSV's header names these columns (see catalogue/csv.ts). */
function looksLikeCatalogueCsv(text: string): boolean {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].toLowerCase();
  const cells = firstLine.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  return cells.includes('id') && cells.includes('name_en') && cells.includes('type');
}

function englishGenre(text: string): 'repertoire' | 'press-release' {
  const sample = text.slice(0, SAMPLE);
  let press = 0;
  let repertoire = 0;
  if (/\bSC\/\d{4,5}\b/.test(sample)) press += 2;
  if (readDateline(sample)) press += 2;
  if (/\bMeetings Coverage\b|\bFor information media\b|\bNot an official record\b/i.test(sample)) press += 2;
  if (/\b(?:today|this morning|this afternoon)\b/i.test(sample)) press += 1;
  if (/\bUnanimously adopting\b/i.test(sample)) press += 1;
  if (/\bRepertoire of the Practice\b/i.test(sample)) repertoire += 3;
  if (/^[ \t]*\d{1,3}\.[ \t]+The\s+(?:situation|question)\b/im.test(sample)) repertoire += 2;
  if (/\bOn\s+\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?,\s+(?:by\s+resolution\s+\d+\s*\(\d{4}\),\s+)?the\s+Council\s+adopted\b/.test(sample)) repertoire += 1;
  if (/\bDuring the period under review\b|\bTable 1\b|\brule 3[79]\b/i.test(sample)) repertoire += 1;
  return repertoire > press ? 'repertoire' : 'press-release';
}

/**
 * Detects the format of a document. `contentType` is a hint for text bodies (`text/csv`);
 * bytes that start like a PDF are a PDF whatever it says.
 */
export function detectFormat(input: string | Uint8Array, contentType?: string): DetectedFormat {
  const type = (contentType ?? '').toLowerCase();
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (input.length === 0) throw new ImportInputError('EMPTY', 'the document is empty');
    if (looksLikePdf(input)) return 'pdf';
    if (type.includes('pdf')) throw new ImportInputError('NOT_PDF', 'declared as PDF but the %PDF- header is missing');
    text = decodeUtf8(input);
  }
  if (!text.trim()) throw new ImportInputError('EMPTY', 'the document is empty');
  if (text.startsWith('%PDF-')) return 'pdf';
  if (type.includes('csv') || looksLikeCatalogueCsv(text)) return 'csv';
  if (languageOf(text) === 'zh') return 'repertoire';
  return englishGenre(text);
}
