import { normalizeSymbol, toIsoDate } from '#libs/domain';

/** CJK ideographs and full-width punctuation: no space is needed between them when lines join. */
export function isCjk(ch: string): boolean {
  if (!ch) return false;
  const c = ch.charCodeAt(0);
  return (c >= 0x3000 && c <= 0x303f) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xffef) || c === 0x201c || c === 0x201d;
}

/** Removes spaces next to CJK characters and collapses the others: `2021 年 3 月` → `2021年3月`. */
export function compactZh(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  let out = '';
  for (let i = 0; i < collapsed.length; i++) {
    const ch = collapsed[i];
    if (ch === ' ' && (isCjk(collapsed[i - 1]) || isCjk(collapsed[i + 1]))) continue;
    out += ch;
  }
  return out;
}

// Bounded quantifiers only: these run over hostile input too.
const SP = '[ \\t]{0,4}';
export const ZH_FULL_DATE_SOURCE = `(\\d{4})${SP}年${SP}(\\d{1,2})${SP}月${SP}(\\d{1,2})${SP}日`;
const ZH_DATE_RE = new RegExp(`(?:(\\d{4})${SP}年${SP})?(\\d{1,2})${SP}月${SP}(\\d{1,2})${SP}日`, 'g');

export interface DateMention {
  start: number;
  end: number;
  year: number | null;
  month: number;
  day: number;
}

/** Chinese dates in (folded) text, the year null when omitted. */
export function findDates(text: string): DateMention[] {
  const out: DateMention[] = [];
  ZH_DATE_RE.lastIndex = 0;
  for (let m = ZH_DATE_RE.exec(text); m; m = ZH_DATE_RE.exec(text)) {
    // `2021 年 8 月` inside `2021 年 8 月 31 日` is one date; a bare year before is not ours.
    if (m.index > 0 && /\d/.test(text[m.index - 1])) continue;
    out.push({ start: m.index, end: m.index + m[0].length, year: m[1] ? Number(m[1]) : null, month: Number(m[2]), day: Number(m[3]) });
  }
  return out;
}

export function isoOf(d: DateMention, defaultYear: number | null): string | null {
  const year = d.year ?? defaultYear;
  return year === null ? null : toIsoDate(year, d.month, d.day);
}

export interface SymbolMention {
  start: number;
  end: number;
  canonical: string;
  kind: 'resolution' | 'presidential_statement' | 'verbatim_record' | 'document';
}

const SYMBOL_RE = new RegExp(
  [
    `第${SP}(\\d{1,5})${SP}\\(${SP}(\\d{4})${SP}\\)${SP}号(?:决议)?`,
    `S${SP}/${SP}RES${SP}/${SP}(\\d{1,5})${SP}\\(${SP}(\\d{4})${SP}\\)`,
    `S${SP}/${SP}PRST${SP}/${SP}(\\d{4})${SP}/${SP}(\\d{1,3})`,
    `S${SP}/${SP}PV\\.${SP}(\\d{1,5})`,
    `S${SP}/${SP}(\\d{4})${SP}/${SP}(\\d{1,5})`,
  ].join('|'),
  'g',
);

/** UN Security Council symbols in Chinese text, in order, canonicalised. */
export function findSymbols(text: string): SymbolMention[] {
  const out: SymbolMention[] = [];
  SYMBOL_RE.lastIndex = 0;
  for (let m = SYMBOL_RE.exec(text); m; m = SYMBOL_RE.exec(text)) {
    let raw: string;
    if (m[1]) raw = `S/RES/${m[1]} (${m[2]})`;
    else if (m[3]) raw = `S/RES/${m[3]} (${m[4]})`;
    else if (m[5]) raw = `S/PRST/${m[5]}/${m[6]}`;
    else if (m[7]) raw = `S/PV.${m[7]}`;
    else raw = `S/${m[8]}/${m[9]}`;
    const canonical = normalizeSymbol(raw);
    if (!canonical) continue;
    const kind = canonical.startsWith('S/RES/') ? 'resolution' : canonical.startsWith('S/PRST/') ? 'presidential_statement' : canonical.startsWith('S/PV.') ? 'verbatim_record' : 'document';
    out.push({ start: m.index, end: m.index + m[0].length, canonical, kind });
  }
  return out;
}

const ZH_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** `4`, `两`, `十二`, `二十` → number; null otherwise. */
export function parseCount(text: string): number | null {
  const t = text.trim();
  if (/^\d{1,4}$/.test(t)) return Number(t);
  if (t.length === 1 && t in ZH_DIGITS) return ZH_DIGITS[t];
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(t);
  if (m) return (m[1] ? ZH_DIGITS[m[1]] : 1) * 10 + (m[2] ? ZH_DIGITS[m[2]] : 0);
  return null;
}

/** Paragraph numbers of a citation: `第 16 和 18 段` → ['16', '18']; `第 3、4 至 6 段` → ['3', '4', '5', '6']. */
export function parseParagraphs(text: string): string[] {
  const m = /第([\d\s、和及至,-]{1,80})段/.exec(text);
  if (!m) return [];
  const out: string[] = [];
  const range = /(\d{1,3})\s*至\s*(\d{1,3})/g;
  let rest = m[1];
  for (let r = range.exec(m[1]); r; r = range.exec(m[1])) {
    const [a, b] = [Number(r[1]), Number(r[2])];
    if (b >= a && b - a <= 50) for (let i = a; i <= b; i++) out.push(String(i));
    rest = rest.replace(r[0], ' ');
  }
  for (const d of rest.match(/\d{1,3}/g) ?? []) out.push(d);
  return [...new Set(out)].sort((x, y) => Number(x) - Number(y));
}
