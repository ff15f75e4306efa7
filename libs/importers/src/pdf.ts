import { ImportInputError } from './errors.js';

/**
 * Text of a PDF, for importing UN documents published as PDF. pdfjs-dist (legacy build, the
 * one that runs on Node) reads the text items of each page; lines are rebuilt from the items'
 * positions, because items are runs of glyphs, not lines, and their order in the content stream
 * is not reading order. A larger gap between lines becomes a blank line (a paragraph break),
 * which the English parsers rely on for headlines that end without a full stop.
 *
 * Bounded: at most `maxPages` pages are read and the whole extraction is abandoned after
 * `timeoutMs`; bytes that are not a PDF are refused before pdfjs sees them.
 */

export interface PdfTextOptions {
  maxPages?: number;
  timeoutMs?: number;
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

export const PDF_DEFAULTS = { maxPages: 200, timeoutMs: 20_000 } as const;

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

export async function extractPdfText(bytes: Uint8Array, options: PdfTextOptions = {}): Promise<PdfText> {
  const maxPages = options.maxPages ?? PDF_DEFAULTS.maxPages;
  const timeoutMs = options.timeoutMs ?? PDF_DEFAULTS.timeoutMs;
  if (bytes.length === 0) throw new ImportInputError('EMPTY', 'the document is empty');
  if (!looksLikePdf(bytes)) throw new ImportInputError('NOT_PDF', 'not a PDF: the %PDF- header is missing');

  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    // pdfjs may transfer (detach) the buffer it is given: hand it a copy, not the caller's bytes.
    data: new Uint8Array(bytes),
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });

  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ImportInputError('PDF_TIMEOUT', `PDF text extraction took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  const work = (async (): Promise<PdfText> => {
    const doc = await task.promise;
    const totalPages = doc.numPages;
    const pages = Math.min(totalPages, maxPages);
    const texts: string[] = [];
    for (let p = 1; p <= pages; p++) {
      // pdfjs may settle everything in microtasks without ever letting the timer fire: the
      // deadline is also checked between pages.
      if (Date.now() > deadline) throw new ImportInputError('PDF_TIMEOUT', `PDF text extraction took longer than ${timeoutMs} ms`);
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const items = content.items.flatMap((i) => ('str' in i ? [i as TextItem] : []));
      texts.push(pageLines(items).join('\n'));
      page.cleanup();
    }
    return { text: texts.join('\n\n'), pages, totalPages, truncated: totalPages > pages };
  })();
  try {
    return await Promise.race([work, timeout]);
  } catch (e) {
    if (e instanceof ImportInputError) throw e;
    const name = (e as { name?: string }).name;
    if (name === 'PasswordException') throw new ImportInputError('PDF_ENCRYPTED', 'the PDF is password-protected', { cause: e });
    throw new ImportInputError('PDF_UNREADABLE', `the PDF cannot be read: ${(e as Error).message ?? String(e)}`, { cause: e });
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
    await task.destroy().catch(() => undefined);
  }
}
