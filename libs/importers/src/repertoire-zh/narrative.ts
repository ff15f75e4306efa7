import type { Footnote, Line } from './layout.js';
import { MAX_LINE } from './layout.js';
import { OffsetMappedText, OffsetMappedTextBuilder } from './offset-text.js';
import { findDates, findSymbols, isCjk, type DateMention, type SymbolMention } from './zh-text.js';

/**
 * The narrative of a section as one continuous text: lines joined (no space between CJK
 * characters, where the PDF broke a line), footnote reference numbers glued to the text
 * (`召开的。346 下文`) removed and remembered, so that sentences read as written.
 */

export interface FootnoteRef {
  number: number;
  /** Index in the flow text where the number was removed. */
  at: number;
}

export interface NarrativeFlow {
  flow: OffsetMappedText;
  refs: FootnoteRef[];
}

/** Characters after a number that make it a quantity or a date part, not a footnote mark. */
const UNIT_AFTER = /^[ \t]{0,2}[年月日个次名人万亿%％号条段章节点岁天周倍项\d(（.,]/;

export function readNarrativeFlow(original: string, lines: Line[], footnotes: Map<number, Footnote>, consumed: Set<number>, folded?: string): NarrativeFlow {
  const b = new OffsetMappedTextBuilder(original, folded);
  const refs: FootnoteRef[] = [];
  let lastRef = 0;
  for (const line of lines) {
    const text = line.text;
    let from = 0;
    let to = text.length;
    while (from < to && /\s/.test(text[from])) from++;
    while (to > from && /\s/.test(text[to - 1])) to--;
    if (from === to) continue;
    if (b.size > 0 && !isCjk(b.lastChar()) && !isCjk(text[from]) && b.lastChar() !== ' ') b.appendSynthetic(' ', line.start + from);
    if (to - from > MAX_LINE) {
      b.appendOriginal(line.start + from, line.start + to);
      continue;
    }
    let i = from;
    while (i < to) {
      const ch = text[i];
      if (ch >= '0' && ch <= '9') {
        let j = i;
        while (j < to && j - i < 5 && text[j] >= '0' && text[j] <= '9') j++;
        const digitsEnd = j;
        const n = Number(text.slice(i, digitsEnd));
        const before = i > from ? text[i - 1] : b.lastChar();
        const after = text.slice(digitsEnd, digitsEnd + 3);
        const isRef =
          digitsEnd - i <= 4 &&
          !(digitsEnd < to && text[digitsEnd] >= '0' && text[digitsEnd] <= '9') &&
          footnotes.has(n) &&
          !consumed.has(n) &&
          n > lastRef &&
          (isCjk(before) || before === ')') &&
          before !== '第' &&
          !UNIT_AFTER.test(after);
        if (isRef) {
          refs.push({ number: n, at: b.size });
          consumed.add(n);
          lastRef = n;
          // Drop the number and the spaces after it.
          i = digitsEnd;
          while (i < to && (text[i] === ' ' || text[i] === '\t') && i - digitsEnd < 4) i++;
          continue;
        }
        b.appendOriginal(line.start + i, line.start + digitsEnd);
        i = digitsEnd;
        continue;
      }
      let j = i + 1;
      while (j < to && !(text[j] >= '0' && text[j] <= '9')) j++;
      b.appendOriginal(line.start + i, line.start + j);
      i = j;
    }
  }
  return { flow: b.build(), refs };
}

export interface Sentence {
  start: number;
  end: number;
  text: string;
  refs: number[];
  dates: DateMention[];
  symbols: SymbolMention[];
}

/** Longest sentence read for facts; longer runs (hostile input, table debris) are skipped. */
export const MAX_SENTENCE = 2000;

export function splitSentences({ flow, refs }: NarrativeFlow): { sentences: Sentence[]; skipped: number } {
  const sentences: Sentence[] = [];
  const text = flow.text;
  let start = 0;
  let skipped = 0;
  let r = 0;
  while (start < text.length) {
    let end = text.indexOf('。', start);
    end = end < 0 ? text.length : end + 1;
    // A footnote mark right after 。 belongs to the sentence it closes (at === end).
    const own: number[] = [];
    while (r < refs.length && refs[r].at <= end) own.push(refs[r++].number);
    while (start < end && text[start] === ' ') start++;
    if (end - start > MAX_SENTENCE) {
      skipped++;
    } else if (end > start) {
      const s = text.slice(start, end);
      sentences.push({ start, end, text: s, refs: own, dates: findDates(s), symbols: findSymbols(s) });
    }
    start = end;
  }
  return { sentences, skipped };
}
