import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ImportInputError } from './errors.js';

/**
 * Text of a PDF, for importing UN documents published as PDF. pdfjs-dist (legacy build, the
 * one that runs on Node) reads the text items of each page; lines are rebuilt from the items'
 * positions, because items are runs of glyphs, not lines, and their order in the content stream
 * is not reading order. A larger gap between lines becomes a blank line (a paragraph break),
 * which the English parsers rely on for headlines that end without a full stop.
 *
 * Bounded: at most `maxPages` pages and `maxChars` characters are read, in a worker thread with
 * a heap limit that is terminated after `timeoutMs`; bytes that are not a PDF are refused before
 * pdfjs sees them.
 */

export interface PdfTextOptions {
  maxPages?: number;
  timeoutMs?: number;
  /** At most this many characters (and text runs) of text: more is refused as PDF_TOO_COMPLEX. */
  maxChars?: number;
  /** Heap of the worker thread that reads the PDF. */
  maxHeapMb?: number;
}

export interface PdfText {
  text: string;
  /** Pages read. */
  pages: number;
  /** Pages in the document. */
  totalPages: number;
  /** True when the document had more than `maxPages` pages and the rest was not read. */
  truncated: boolean;
}

export const PDF_DEFAULTS = { maxPages: 200, timeoutMs: 20_000, maxChars: 5_000_000, maxHeapMb: 512 } as const;

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
}

/** The PDF header may be preceded by up to 1024 bytes of junk (PDF 1.7, 7.5.2 note). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  return head.includes('%PDF-');
}

interface Line {
  y: number;
  size: number;
  items: TextItem[];
}

/** Groups a page's items into lines (same baseline within a tolerance), top to bottom. */
function pageLines(items: TextItem[]): string[] {
  const lines: Line[] = [];
  for (const item of items) {
    if (!item.str) continue;
    const y = item.transform[5];
    const size = Math.abs(item.transform[3]) || item.height || 10;
    const line = lines.find((l) => Math.abs(l.y - y) <= Math.max(l.size, size) * 0.4);
    if (line) line.items.push(item);
    else lines.push({ y, size, items: [item] });
  }
  lines.sort((a, b) => b.y - a.y);
  // The usual line spacing is the lower quartile of the gaps: paragraph breaks and headings
  // only ever widen a gap, and a short page may have as many wide gaps as narrow ones.
  const gaps = lines.slice(1).map((l, i) => lines[i].y - l.y).filter((g) => g > 0).sort((a, b) => a - b);
  const usualGap = gaps.length ? gaps[Math.floor((gaps.length - 1) / 4)] : 0;
  const out: string[] = [];
  let joinNext = false;
  lines.forEach((line, i) => {
    if (i > 0 && usualGap > 0 && lines[i - 1].y - line.y > usualGap * 1.5) {
      out.push('');
      joinNext = false;
    }
    line.items.sort((a, b) => a.transform[4] - b.transform[4]);
    let text = '';
    let lastEnd: number | null = null;
    for (const item of line.items) {
      const x = item.transform[4];
      // Items on one line are separate runs; a visible gap between them is a space.
      if (lastEnd !== null && x - lastEnd > line.size * 0.15 && !/\s$/.test(text) && !/^\s/.test(item.str)) text += ' ';
      text += item.str;
      lastEnd = x + item.width;
    }
    text = text.replace(/\s+$/, '');
    // A word hyphenated at the end of a line ("Stabiliza-" / "tion") is one word again; a
    // hyphen before a capital ("Union-" / "United Nations") is a real one and stays.
    if (joinNext && out.length && /^[a-z]/.test(text)) out[out.length - 1] = out[out.length - 1].slice(0, -1) + text;
    else out.push(text);
    joinNext = /[a-z]-$/.test(out[out.length - 1] ?? '');
  });
  return out;
}

/**
 * Runs in a worker thread (plain JavaScript: it must load from the sources under Vitest as well
 * as from the build). It sends each page's text items, and stops by itself once the document
 * has more text than `maxChars` or more items than `maxItems`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
(async () => {
  const pdfjs = await import(pathToFileURL(workerData.pdfjsPath).href);
  const task = pdfjs.getDocument({ data: workerData.bytes, disableFontFace: true, useSystemFonts: false, stopAtErrors: false, verbosity: pdfjs.VerbosityLevel.ERRORS });
  try {
    const doc = await task.promise;
    const totalPages = doc.numPages;
    const pages = Math.min(totalPages, workerData.maxPages);
    parentPort.postMessage({ kind: 'start', totalPages, pages });
    let chars = 0;
    let items = 0;
    for (let p = 1; p <= pages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const out = [];
      for (const i of content.items) {
        if (typeof i.str !== 'string') continue;
        chars += i.str.length;
        items++;
        if (chars > workerData.maxChars || items > workerData.maxItems) {
          parentPort.postMessage({ kind: 'too-much', chars, items });
          return;
        }
        out.push({ str: i.str, transform: i.transform, width: i.width, height: i.height, hasEOL: i.hasEOL });
      }
      parentPort.postMessage({ kind: 'page', items: out });
      page.cleanup();
    }
    parentPort.postMessage({ kind: 'done' });
  } catch (e) {
    parentPort.postMessage({ kind: 'error', name: e && e.name, message: String((e && e.message) || e) });
  } finally {
    await task.destroy().catch(() => undefined);
  }
})().catch((e) => parentPort.postMessage({ kind: 'error', name: e && e.name, message: String((e && e.message) || e) }));
`;

type WorkerMessage =
  | { kind: 'start'; totalPages: number; pages: number }
  | { kind: 'page'; items: TextItem[] }
  | { kind: 'too-much'; chars: number; items: number }
  | { kind: 'done' }
  | { kind: 'error'; name?: string; message: string };

/**
 * pdfjs runs on the main thread in Node (its "fake worker"), and a hostile PDF can keep it busy
 * for minutes (a 680 kB upload whose content stream inflates to 200 MB took 8 minutes and 1.5 GB
 * there, and no timer could fire meanwhile). So the extraction runs in a worker thread with a
 * heap limit, terminated at the deadline whatever it is doing; the text it may produce is capped.
 */
export async function extractPdfText(bytes: Uint8Array, options: PdfTextOptions = {}): Promise<PdfText> {
  const maxPages = options.maxPages ?? PDF_DEFAULTS.maxPages;
  const timeoutMs = options.timeoutMs ?? PDF_DEFAULTS.timeoutMs;
  const maxChars = options.maxChars ?? PDF_DEFAULTS.maxChars;
  if (bytes.length === 0) throw new ImportInputError('EMPTY', 'the document is empty');
  if (!looksLikePdf(bytes)) throw new ImportInputError('NOT_PDF', 'not a PDF: the %PDF- header is missing');

  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // A copy: the caller keeps its bytes.
    workerData: { bytes: new Uint8Array(bytes), pdfjsPath: pdfjsPath(), maxPages, maxChars, maxItems: maxChars },
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? PDF_DEFAULTS.maxHeapMb, maxYoungGenerationSizeMb: 64 },
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  const texts: string[] = [];
  let totalPages = 0;
  let pages = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new ImportInputError('PDF_TIMEOUT', `PDF text extraction took longer than ${timeoutMs} ms`)), timeoutMs);
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'start') ({ totalPages, pages } = m);
        else if (m.kind === 'page') texts.push(pageLines(m.items).join('\n'));
        else if (m.kind === 'done') resolve();
        else if (m.kind === 'too-much') reject(new ImportInputError('PDF_TOO_COMPLEX', `the PDF has more than ${maxChars} characters or text runs of text`));
        else if (m.name === 'PasswordException') reject(new ImportInputError('PDF_ENCRYPTED', 'the PDF is password-protected'));
        else reject(new ImportInputError('PDF_UNREADABLE', `the PDF cannot be read: ${m.message}`));
      });
      worker.on('error', (err: Error & { code?: string }) =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ImportInputError('PDF_TOO_COMPLEX', 'the PDF needs more memory to read than allowed')
            : new ImportInputError('PDF_UNREADABLE', `the PDF cannot be read: ${err.message}`, { cause: err }),
        ),
      );
      worker.on('exit', () => reject(new ImportInputError('PDF_UNREADABLE', 'the PDF cannot be read (the reader stopped)')));
    });
    return { text: texts.join('\n\n'), pages, totalPages, truncated: totalPages > pages };
  } finally {
    clearTimeout(timer);
    await worker.terminate().catch(() => undefined);
  }
}

let pdfjsPathCached: string | undefined;
function pdfjsPath(): string {
  return (pdfjsPathCached ??= createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.mjs'));
}
