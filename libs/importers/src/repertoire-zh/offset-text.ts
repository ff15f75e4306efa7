import type { SourceSpan } from '../types.js';

/**
 * A derived view of a document (footnotes, links and line breaks removed, full-width ASCII
 * folded) that remembers, for every UTF-16 unit it holds, the offset in the original text it
 * came from. Facts are read from the view and cited in the original.
 */
export class OffsetMappedText {
  constructor(
    readonly original: string,
    readonly text: string,
    private readonly origin: Int32Array,
  ) {}

  /** Original offset of view index `i` (the end of the original for i === text.length). */
  originOf(i: number): number {
    return i >= this.text.length ? this.original.length : this.origin[i];
  }

  /** The original span covering view range [start, end). */
  spanOf(start: number, end: number): SourceSpan {
    const s = this.originOf(start);
    const e = end > start ? this.origin[end - 1] + 1 : s;
    return { start: s, end: e, quote: this.original.slice(s, e) };
  }
}

/**
 * Folds full-width digits, letters, brackets and slash (１２３ＡＢ（）／) and odd spaces to ASCII,
 * one unit for one, so symbols and dates read the same in any width. Chinese punctuation
 * (，。；：) stays: it carries the sentence structure.
 */
export function foldChar(c: string): string {
  const code = c.charCodeAt(0);
  if ((code >= 0xff10 && code <= 0xff19) || (code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a) || code === 0xff08 || code === 0xff09 || code === 0xff0f || code === 0xff0e || code === 0xff0d) {
    return String.fromCharCode(code - 0xfee0);
  }
  if (code === 0x3000 || code === 0x00a0 || code === 0x2009 || code === 0x202f) return ' ';
  return c;
}

const FOLDABLE = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF08\uFF09\uFF0F\uFF0E\uFF0D\u3000\u00A0\u2009\u202F]/g;

/** `foldChar` over a whole text (same length, so offsets stay valid). */
export function foldText(text: string): string {
  return text.replace(FOLDABLE, foldChar);
}

export class OffsetMappedTextBuilder {
  private readonly parts: string[] = [];
  private origin = new Int32Array(1024);
  private length = 0;
  private last = '';

  /** `folded` is `foldText(original)`, computed once per document. */
  constructor(
    private readonly original: string,
    private readonly folded: string = foldText(original),
  ) {}

  get size(): number {
    return this.length;
  }

  lastChar(): string {
    return this.last;
  }

  private reserve(extra: number) {
    if (this.length + extra <= this.origin.length) return;
    let capacity = this.origin.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Int32Array(capacity);
    grown.set(this.origin.subarray(0, this.length));
    this.origin = grown;
  }

  /** Copies original[start, end), folded (full-width digits and letters as ASCII). */
  appendOriginal(start: number, end: number) {
    if (end <= start) return;
    this.reserve(end - start);
    for (let i = start; i < end; i++) this.origin[this.length++] = i;
    this.parts.push(this.folded.slice(start, end));
    this.last = this.folded[end - 1];
  }

  /** A character that is not in the original (a separator), attributed to `at`. */
  appendSynthetic(ch: string, at: number) {
    this.reserve(1);
    this.origin[this.length++] = at;
    this.parts.push(ch);
    this.last = ch;
  }

  build(): OffsetMappedText {
    return new OffsetMappedText(this.original, this.parts.join(''), this.origin.slice(0, this.length));
  }
}
