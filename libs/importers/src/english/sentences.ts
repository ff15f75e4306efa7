/**
 * Splits English text into sentence spans without copying or normalising it, so every offset
 * stays an offset into the original document (UTF-16 code units, as the API promises).
 *
 * A sentence ends at `.`, `!` or `?` followed by white space and an upper-case letter, quote,
 * digit or bracket, or at a blank line (headlines and datelines have no final stop). Abbreviations
 * such as `a.m.` are followed by lower case in practice and do not split. A run longer than
 * MAX_SENTENCE is cut into pieces so hostile input cannot make a later step quadratic.
 */
export interface Span {
  start: number;
  end: number;
}

export const MAX_SENTENCE = 3000;

// Footnote numbers stick to the full stop in Repertoire text ("until 30 June 2021.346 By ..."):
// they stay with the sentence they annotate. "S/PV.8763" is a symbol, not a footnote.
const BOUNDARY = /(?<!\bS\/PV)[.!?]["”’)\]]?\d{0,4}(?=\s+["“‘(\[]?[A-Z0-9\u00C0-\u024F])|\n[ \t\r]*\n/g;

export function splitSentences(text: string): Span[] {
  const out: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    let s = start;
    while (s < end && /\s/.test(text[s])) s++;
    let e = end;
    while (e > s && /\s/.test(text[e - 1])) e--;
    for (let i = s; i < e; i += MAX_SENTENCE) out.push({ start: i, end: Math.min(e, i + MAX_SENTENCE) });
  };
  BOUNDARY.lastIndex = 0;
  for (let m = BOUNDARY.exec(text); m; m = BOUNDARY.exec(text)) {
    const end = m[0].startsWith('\n') ? m.index : m.index + m[0].length;
    push(end);
    start = m.index + m[0].length;
  }
  push(text.length);
  return out;
}
