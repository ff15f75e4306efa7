import type { Line } from './layout.js';
import { compactZh, findDates, findSymbols, isCjk, isoOf, type SymbolMention } from './zh-text.js';

/**
 * Reads the rows of a section's two tables. PDF extraction flattens each row into lines; the
 * reader rebuilds the cells from what the Repertoire's layout guarantees: the record and date
 * come first, a run of leading spaces on a line stands for the empty cells it skipped, and a
 * wrapped cell continues on the next line without leading space.
 */

export interface DecisionCell {
  symbol: string;
  kind: 'resolution' | 'presidential_statement' | 'other';
  vote: { for: number; against: number; abstaining: number } | null;
  chapterVII: boolean;
}

export interface VideoconferenceRow {
  date: string;
  record: string;
  recordDate: string | null;
  /** True when the letter's date omitted its year and it was taken from the videoconference date. */
  recordYearInferred: boolean;
  title: string;
  decisions: DecisionCell[];
  writtenProcedureRecord: string | null;
  start: number;
  end: number;
  problems: string[];
}

export interface MeetingRow {
  symbol: string;
  date: string | null;
  subItem: string | null;
  documents: string[];
  rule37: string[];
  rule39: string[];
  speakers: string[];
  decisions: DecisionCell[];
  start: number;
  end: number;
  problems: string[];
}

function rowSpan(row: Line[]): { start: number; end: number } {
  let last = row[row.length - 1];
  for (let i = row.length - 1; i > 0 && row[i].text.trim() === ''; i--) last = row[i - 1];
  const first = row[0];
  const lead = first.text.length - first.text.trimStart().length;
  const trail = last.text.length - last.text.trimEnd().length;
  return { start: first.start + lead, end: last.end - trail };
}

const VOTE = /(\d{1,2})\s{0,2}-\s{0,2}(\d{1,2})\s{0,2}-\s{0,2}(\d{1,2})/;
const CHAPTER_VII = /第七章/;

/** Decisions (with votes and Chapter VII flags) in a decision cell's text. */
function readDecisions(text: string, symbols: SymbolMention[]): DecisionCell[] {
  const decisions = symbols.filter((s) => s.kind === 'resolution' || s.kind === 'presidential_statement');
  return decisions.map((d, i) => {
    // A vote and a Chapter VII note belong to the decision they follow, up to the next one.
    const tail = text.slice(d.end, decisions[i + 1]?.start ?? text.length);
    const v = VOTE.exec(tail);
    return {
      symbol: d.canonical,
      kind: d.kind === 'resolution' ? 'resolution' : 'presidential_statement',
      vote: v ? { for: Number(v[1]), against: Number(v[2]), abstaining: Number(v[3]) } : null,
      chapterVII: CHAPTER_VII.test(tail),
    } satisfies DecisionCell;
  });
}

function joinLines(parts: string[]): string {
  let out = '';
  for (const p of parts) {
    const t = p.trim();
    if (!t) continue;
    out += out && !isCjk(out.slice(-1)) && !isCjk(t[0]) ? ` ${t}` : t;
  }
  return out;
}

export function readVideoconferenceRow(row: Line[]): VideoconferenceRow | null {
  const span = rowSpan(row);
  const text = joinLines(row.map((l) => l.text));
  const dates = findDates(text);
  const symbols = findSymbols(text);
  const first = dates[0];
  const record = symbols.find((s) => s.kind === 'document' && s.start > (first?.end ?? 0));
  if (!first || first.year === null || !record) return null;
  const date = isoOf(first, null);
  if (!date) return null;
  const problems: string[] = [];
  // The title is the President's letter, dated a few days after the videoconference; its year is
  // often omitted (`9 月 4 日`): take the videoconference's, and the next year if that would put
  // the letter before the meeting (a late-December videoconference).
  const titleEnd = text.indexOf('的信', record.end);
  const title = compactZh(text.slice(record.end, titleEnd >= 0 ? titleEnd + 2 : text.length));
  const letterDate = dates.find((d) => d.start >= record.end && (titleEnd < 0 || d.start < titleEnd));
  let recordDate: string | null = null;
  let recordYearInferred = false;
  if (letterDate) {
    recordYearInferred = letterDate.year === null;
    recordDate = isoOf(letterDate, first.year);
    if (recordDate && recordDate < date && letterDate.year === null) recordDate = isoOf(letterDate, first.year + 1);
    if (recordDate && recordDate < date) problems.push(`the record letter is dated ${recordDate}, before the videoconference (${date})`);
  } else {
    problems.push('no date found in the title of the record letter');
  }
  const rest = titleEnd >= 0 ? text.slice(titleEnd + 2) : '';
  const restSymbols = findSymbols(rest);
  const decisions = readDecisions(rest, restSymbols);
  const lastDecisionEnd = Math.max(-1, ...restSymbols.filter((s) => s.kind === 'resolution' || s.kind === 'presidential_statement').map((s) => s.end));
  const wp = restSymbols.filter((s) => s.kind === 'document' && s.start > lastDecisionEnd);
  if (wp.length > 1) problems.push(`several written-procedure records: ${wp.map((s) => s.canonical).join(', ')}`);
  if (decisions.length && !wp.length) problems.push('a decision without its written-procedure record');
  return {
    date,
    record: record.canonical,
    recordDate,
    recordYearInferred,
    title,
    decisions,
    writtenProcedureRecord: decisions.length ? (wp[0]?.canonical ?? null) : null,
    ...span,
    problems,
  };
}

// Columns of table 1, in print order.
const SUB_ITEM = 1;
const OTHER_DOCUMENTS = 2;
const RULE_37 = 3;
const RULE_39 = 4;
const SPEAKERS = 5;
const DECISION = 6;

/** Speaker cells name groups: `13 个安理会成员`, `所有受邀者`, or end with a note letter. */
const SPEAKER_LIKE = /^(?:\d{1,2}\s{0,2}个安理会成员|所有受邀者)|[\u4e00-\u9fff)、]\s{0,2}[a-z]\s{0,4}$/;
const DECISION_LIKE = /^(?:第\s{0,4}\d{1,5}\s{0,4}\(\s{0,4}\d{4}\s{0,4}\)\s{0,4}号决议|S\s{0,2}\/\s{0,2}(?:RES|PRST)\s{0,2}\/|\d{1,2}\s{0,2}-\s{0,2}\d{1,2}\s{0,2}-\s{0,2}\d{1,2}$|\(根据)/;
const NOTE_LETTER = /(?:、|\s)\s{0,2}[a-z]$|(?<=[\u4e00-\u9fff)）])[a-z]$/;

export function readMeetingRow(row: Line[]): MeetingRow {
  const span = rowSpan(row);
  const problems: string[] = [];
  const head = row[0].text;
  const symbol = findSymbols(head).find((s) => s.kind === 'verbatim_record')!;
  // The date follows the record, on the same line or the next.
  let date: string | null = null;
  let index = 0;
  let remainder = head.slice(symbol.end);
  for (let i = 0; i < Math.min(row.length, 3) && date === null; i++) {
    const scan = i === 0 ? remainder : row[i].text;
    const d = findDates(scan).find((x) => x.year !== null);
    if (d) {
      date = isoOf(d, null);
      index = i;
      remainder = scan.slice(d.end);
    } else if (scan.trim() !== '') {
      break;
    }
  }
  if (!date) {
    problems.push('no date after the meeting record');
    index = 0;
  }

  const cells: string[][] = [[], [], [], [], [], [], []];
  let column = 0; // the column being filled; 0 = record and date
  let entryOpen = false;

  const add = (col: number, piece: string, newEntry: boolean) => {
    const cell = cells[col];
    if (newEntry || !cell.length) cell.push(piece);
    else cell[cell.length - 1] = joinLines([cell[cell.length - 1], piece]);
    column = col;
    entryOpen = true;
  };

  // On the date's own line, the first space only separates the date from what follows.
  const contentLines = [remainder.replace(/^\s/, ''), ...row.slice(index + 1).map((l) => l.text)];
  for (const raw of contentLines) {
    if (raw.trim() === '') {
      entryOpen = false;
      continue;
    }
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (DECISION_LIKE.test(body)) {
      add(DECISION, body, false);
      continue;
    }
    if (lead === 0) {
      if (column === 0) {
        add(SUB_ITEM, body, true);
      } else if (SPEAKER_LIKE.test(body) && column <= SPEAKERS) {
        const previous = cells[SPEAKERS].at(-1) ?? '';
        add(SPEAKERS, body, column !== SPEAKERS || NOTE_LETTER.test(previous) || previous.endsWith('、'));
      } else {
        add(column, body, !entryOpen);
      }
      continue;
    }
    // Leading spaces: the text jumped over `lead` empty cells after the current one.
    let col = column + 1 + lead;
    const tokens = mergeTokens(body.split(/\s{1,40}/));
    for (const token of tokens) {
      if (/^[a-z]$/.test(token)) continue; // note letter of the previous cell
      if (DECISION_LIKE.test(token)) col = DECISION;
      if (col > DECISION) {
        problems.push(`more cells than columns: "${body}"`);
        break;
      }
      add(col, token, true);
      col += 1;
    }
  }

  const subItem = cells[SUB_ITEM].length ? joinLines(cells[SUB_ITEM]) : null;
  const documentText = [...cells[SUB_ITEM], ...cells[OTHER_DOCUMENTS]].join(' ');
  const decisionText = cells[DECISION].join(' ');
  return {
    symbol: symbol.canonical,
    date,
    subItem,
    documents: [...new Set(findSymbols(documentText).map((s) => s.canonical))],
    rule37: splitList(cells[RULE_37]),
    rule39: splitList(cells[RULE_39]),
    speakers: splitList(cells[SPEAKERS]),
    decisions: readDecisions(decisionText, findSymbols(decisionText)),
    ...span,
    problems,
  };
}

/** `13` `个安理会成员、a` are one cell that a space split. */
function mergeTokens(tokens: string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (!t) continue;
    if (out.length && /^\d{1,3}$/.test(out[out.length - 1]) && /^[\u4e00-\u9fff]/.test(t)) out[out.length - 1] += ` ${t}`;
    else out.push(t);
  }
  return out;
}

/** Cell entries split on the enumeration comma (outside brackets), note letters removed. */
function splitList(entries: string[]): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    let depth = 0;
    let piece = '';
    const flush = () => {
      const clean = piece.replace(NOTE_LETTER, '').replace(/[、，,\s]+$/, '').trim();
      if (clean && !/^[a-z]$/.test(clean)) out.push(clean);
      piece = '';
    };
    for (const ch of entry) {
      if (ch === '(' || ch === '（') depth++;
      if (ch === ')' || ch === '）') depth = Math.max(0, depth - 1);
      if (ch === '、' && depth === 0) flush();
      else piece += ch;
    }
    flush();
  }
  return out;
}
