import { foldText } from './offset-text.js';
import { isCjk } from './zh-text.js';

/**
 * First pass over the PDF text: which lines are the document's running text and which are
 * page furniture. Footnote blocks (a `____` rule, then `346 见 …` entries that may wrap) and
 * runs of `https://undocs.org/…` link lines (the PDF's hyperlink layer) interrupt sentences
 * anywhere, even inside a date; they are set aside here so later passes see continuous text.
 */

export interface Line {
  /** Offset of the line's first character in the original text. */
  start: number;
  /** Offset just past the line's last character (before the line break). */
  end: number;
  /** The line with full-width ASCII folded (same length as the original line). */
  text: string;
}

export interface Footnote {
  number: number;
  /** Footnote text with its wrapped lines joined (folded). */
  text: string;
  start: number;
  end: number;
}

export interface Layout {
  /** Running-text lines (tables included), in order; empty lines dropped. */
  lines: Line[];
  footnotes: Map<number, Footnote>;
}

const LINK_LINE = /^\s{0,8}https?:\/\/\S{1,2000}\s{0,8}$/;
const RULE_LINE = /^\s{0,8}_{5,200}\s{0,8}$/;
const FOOTNOTE_START = /^\s{0,8}(\d{1,4})\s{1,4}(\S)/;
/** A footnote whose text ends like a sentence is complete: the next unnumbered line is body text. */
const COMPLETE_END = /[。.！？!?]\s{0,8}$/;
/** Longest line examined with regexes; longer lines (hostile input) are kept as plain text. */
export const MAX_LINE = 4000;

export function splitLines(original: string, folded: string = foldText(original)): Line[] {
  const lines: Line[] = [];
  let start = 0;
  const n = original.length;
  while (start <= n) {
    let end = original.indexOf('\n', start);
    if (end < 0) end = n;
    const lineEnd = end > start && original[end - 1] === '\r' ? end - 1 : end;
    lines.push({ start, end: lineEnd, text: folded.slice(start, lineEnd) });
    if (end >= n) break;
    start = end + 1;
  }
  return lines;
}

export function readLayout(original: string, folded: string = foldText(original)): Layout {
  const all = splitLines(original, folded);
  const lines: Line[] = [];
  const footnotes = new Map<number, Footnote>();
  let inBlock = false;
  let current: Footnote | null = null;
  let lastNumber: number | null = null;

  for (const line of all) {
    const text = line.text;
    if (text.trim() === '') {
      // Whitespace-only lines can be empty table cells; truly empty ones are PDF spacing.
      if (!inBlock && text.length > 0) lines.push(line);
      continue;
    }
    const probe = text.length > MAX_LINE ? '' : text;
    if (LINK_LINE.test(probe)) continue;
    if (RULE_LINE.test(probe)) {
      inBlock = true;
      current = null;
      continue;
    }
    if (inBlock) {
      const m = FOOTNOTE_START.exec(probe);
      const n = m ? Number(m[1]) : NaN;
      const expected = current ? current.number + 1 : lastNumber === null ? null : lastNumber + 1;
      const isNext = m !== null && (expected === null ? true : n === expected || (!current && n > (lastNumber ?? 0) && n <= (lastNumber ?? 0) + 5));
      if (isNext) {
        current = { number: n, text: text.slice(m!.index + m![0].length - 1).trim(), start: line.start + text.indexOf(m![1]), end: line.end };
        footnotes.set(n, current);
        lastNumber = n;
        continue;
      }
      if (current && !COMPLETE_END.test(current.text)) {
        const more = text.trim();
        current.text += isCjk(current.text.slice(-1)) || isCjk(more[0]) ? more : ` ${more}`;
        current.end = line.end;
        continue;
      }
      inBlock = false;
      current = null;
    }
    lines.push(line);
  }
  return { lines, footnotes };
}
