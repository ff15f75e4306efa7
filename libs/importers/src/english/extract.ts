import { addDays } from '#libs/domain';
import type { ImportWarning, ImportedFact, SourceSpan } from '../types.js';
import { DATE_PATTERN, addPeriod, dateAt, isoOf, isoOnOrAfter, numberOf, NUMBER_WORD_PATTERN, type EnDateMatch } from './dates.js';
import type { MentionFinder, MandateMention } from './mandates.js';
import type { Span } from './sentences.js';

/**
 * Sentence-level reading of English Council prose, shared by press releases and the English
 * Repertoire: which mandate a sentence extends or terminates, until when, and which reports it
 * requests by when. The caller says which decision a sentence belongs to and when it was adopted.
 *
 * What is deliberately NOT read as an expiry: dates that are not introduced by an extension or
 * termination verb in the same clause (troop ceilings, review intentions, withdrawal deadlines,
 * report deadlines, earlier decisions the text recalls).
 */

export interface DecisionRef {
  symbol: string;
  adoptedOn: string | null;
}

export interface SentenceContext {
  text: string;
  sentence: Span;
  decision: DecisionRef | null;
  agendaItem: string | null;
  mentions: MentionFinder;
}

type Extended = Extract<ImportedFact, { kind: 'mandate_extended' }>;
type Terminated = Extract<ImportedFact, { kind: 'mandate_terminated' }>;
type Reported = Extract<ImportedFact, { kind: 'report_request' }>;

/** An extension before the period/explicit-date rule is applied across the document. */
export interface ExtensionCandidate {
  /** `mandateId|decision`: one decision extends one mandate once. */
  key: string;
  /** Null when a period was stated but could not be resolved. */
  fact: Extended | null;
  /** True when `until` was computed (or could not be computed) from a period, not read from the text. */
  fromPeriod: boolean;
  /** Warning to report if this candidate is the one kept. */
  warning: ImportWarning | null;
}

/** A termination; `dated` is false when the text gave no end date and the adoption was assumed. */
export interface TerminationCandidate {
  fact: Terminated;
  dated: boolean;
  warning: ImportWarning | null;
}

export interface SentenceFacts {
  extensions: ExtensionCandidate[];
  terminations: TerminationCandidate[];
  reports: Reported[];
  warnings: ImportWarning[];
}

// A clause starts at one of these verbs. "Extension" alone is not one: "its further extension no
// later than ..." states a review intention, not a decision.
const TRIGGER = new RegExp(
  [
    '\\b(?<ext>extend(?:s|ed|ing)?|renew(?:s|ed|ing)?|prolong(?:s|ed|ing)?)\\b',
    `\\b(?<extNoun>(?:${NUMBER_WORD_PATTERN})(?:-|\\s+)(?:year|month)s?(?:-|\\s+)(?:mandate(?:-|\\s+))?(?:extension|renewal|rollover))\\b`,
    '\\b(?<term>terminat(?:e|es|ed|ing)|end(?:s|ed)?\\s+the\\s+mandate)\\b',
  ].join('|'),
  'gi',
);

// Where an object phrase stops belonging to the verb before it.
// ", which expires on ..." describes the object and stays in the clause.
const CLAUSE_CUT = /,\s+as\s+well\s+as\b|;|,\s+which\b(?!\s+(?:expires|is\s+due\s+to\s+expire|was\s+(?:due|set)\s+to\s+expire))|\bset\s+out\s+in\b|\bwhile\b/gi;

// Sentences that recall earlier decisions rather than state this one's.
// "The Council previously decided" is history; "the previously agreed rollover" is not.
const HISTORY = /^\s*(?:previously|earlier|last\s+year)\b|(?<!\b(?:the|a|an|its|their)\s+)\b(?:previously|earlier)\s+(?:had\s+)?(?:decided|extended|renewed|adopted|agreed)\b|\bhad (?:previously )?(?:extended|renewed)\b/i;

const EXPLICIT_UNTIL = new RegExp(`\\b(?:until|through|till|to|ending\\s+on|expiring\\s+on|up\\s+to\\s+and\\s+including)\\s+(?=${DATE_PATTERN})`, 'gi');
const TERMINATION_DATE = new RegExp(`\\b(?:on|as\\s+of|as\\s+from|with\\s+effect\\s+from|effective(?:\\s+as\\s+of|\\s+from)?|at\\s+midnight\\s+on)\\s+(?=${DATE_PATTERN})`, 'gi');
const CURRENT_EXPIRY = new RegExp(`\\b(?:expires|expire|expiring|expiry|expiration|ends|ending)\\s+(?:on\\s+)?(?=${DATE_PATTERN})`, 'gi');
const RELATIVE_PERIOD = new RegExp(
  [
    `\\bfor\\s+(?:a\\s+|an\\s+)?(?:further\\s+|another\\s+|additional\\s+|new\\s+)?(?:period\\s+of\\s+)?(?<n1>${NUMBER_WORD_PATTERN})(?:-|\\s+)(?<u1>year|month)s?\\b`,
    '\\bfor\\s+(?<n2>a|another|one\\s+more|a\\s+further)\\s+(?<u2>year|month)\\b',
    `\\bby\\s+(?<n3>${NUMBER_WORD_PATTERN})(?:-|\\s+)(?<u3>year|month)s?\\b`,
    `\\b(?:a|an)\\s+(?<n4>${NUMBER_WORD_PATTERN})(?:-|\\s+)(?<u4>year|month)s?(?:-|\\s+)(?:mandate(?:-|\\s+))?(?:extension|renewal|rollover)\\b`,
    `\\b(?<n5>${NUMBER_WORD_PATTERN})(?:-|\\s+)(?<u5>year|month)s?(?:-|\\s+)(?:mandate(?:-|\\s+))?(?:extension|renewal|rollover)\\b`,
  ].join('|'),
  'gi',
);

const REQUEST_VERB = /\b(?:request(?:s|ed|ing)?|ask(?:s|ed|ing)?|call(?:s|ed)?\s+(?:up)?on|invit(?:es|ed|ing))\b/gi;
const DEADLINE = new RegExp(
  `\\b(?:no\\s+later\\s+than|not\\s+later\\s+than|due\\s+by|by|before)\\s+(?=${DATE_PATTERN})|\\bwithin\\s+(?<n>${NUMBER_WORD_PATTERN})\\s+(?<u>month|day)s?\\b`,
  'gi',
);
const REPORT_NOUN = /\b(?:report(?:s|ing)?|update|plan|road ?map|assessment|recommendations|briefing|letter|options)\b/gi;
// An article opening the requested thing's noun phrase ("a midterm report"), not crossing "to".
const ARTICLE_BEFORE = /\b(?:a|an|the|its|his|her|their|every)\s+(?:(?!to\b)[\w‑-]+\s+){0,3}$/i;

function periodOf(m: RegExpExecArray): { count: number; unit: 'month' | 'year' } | null {
  const g = m.groups ?? {};
  for (const k of ['1', '2', '3', '4', '5']) {
    const n = g[`n${k}`];
    const u = g[`u${k}`];
    if (n && u) {
      const count = numberOf(n.replace(/^one\s+more$|^a\s+further$/i, 'one'));
      return count ? { count, unit: u.toLowerCase() as 'month' | 'year' } : null;
    }
  }
  return null;
}

function span(text: string, start: number, end: number): SourceSpan {
  return { start, end, quote: text.slice(start, end) };
}

/**
 * Matches of a global `pattern` inside text[from, to) only, with indices into `text`. Searching
 * the whole document from `from` would rescan everything after a sentence for every sentence
 * (quadratic on long inputs without matches); a slice keeps each search within its sentence.
 */
function* matchesIn(pattern: RegExp, text: string, from: number, to: number): Generator<RegExpExecArray> {
  const slice = text.slice(from, to);
  pattern.lastIndex = 0;
  for (let m = pattern.exec(slice); m; m = pattern.exec(slice)) {
    if (m[0].length === 0) pattern.lastIndex++;
    m.index += from;
    yield m;
  }
}

function firstMatch(text: string, pattern: RegExp, from: number, to: number): RegExpExecArray | null {
  for (const m of matchesIn(pattern, text, from, to)) return m;
  return null;
}

/** First match of `pattern` in text[from, to) directly followed by a date inside the range. */
function dateAfter(text: string, pattern: RegExp, from: number, to: number): { start: number; date: EnDateMatch } | null {
  for (const m of matchesIn(pattern, text, from, to)) {
    const date = dateAt(text, m.index + m[0].length);
    if (date && date.end <= to) return { start: m.index, date };
  }
  return null;
}

/** Resolves a date whose year the text may omit: on or after the decision's adoption. */
function resolveDate(d: EnDateMatch, decision: DecisionRef): string | null {
  if (d.year) return isoOf(d);
  return decision.adoptedOn ? isoOnOrAfter(d, decision.adoptedOn) : null;
}

export function isHistorySentence(text: string, sentence: Span): boolean {
  return HISTORY.test(text.slice(sentence.start, sentence.end));
}

/** Reads one sentence. Never throws on odd input: unreadable parts become warnings. */
export function extractSentence(ctx: SentenceContext): SentenceFacts {
  const out: SentenceFacts = { extensions: [], terminations: [], reports: [], warnings: [] };
  const { text, sentence, decision } = ctx;
  if (!decision || isHistorySentence(text, sentence)) return out;

  const triggers: Array<{ start: number; end: number; termination: boolean }> = [];
  for (const m of matchesIn(TRIGGER, text, sentence.start, sentence.end)) {
    triggers.push({ start: m.index, end: m.index + m[0].length, termination: Boolean(m.groups?.term) });
  }
  let mentions: MandateMention[] | null = null;
  const allMentions = () => (mentions ??= ctx.mentions.find(text, sentence.start, sentence.end, ctx.agendaItem));

  for (let i = 0; i < triggers.length; i++) {
    const t = triggers[i];
    let clauseEnd = i + 1 < triggers.length ? triggers[i + 1].start : sentence.end;
    const cut = firstMatch(text, CLAUSE_CUT, t.end, clauseEnd);
    if (cut) clauseEnd = cut.index;
    const inClause = allMentions().filter((m) => m.start >= t.end && m.start < clauseEnd);
    // "decided to extend its mandate": the object is named earlier in the sentence.
    const before = allMentions().filter((m) => m.end <= t.start);
    const mention = inClause[0] ?? before[before.length - 1] ?? null;

    if (t.termination) {
      const found = dateAfter(text, TERMINATION_DATE, t.end, clauseEnd);
      if (!found && !decision.adoptedOn) continue;
      if (!mention) {
        out.warnings.push({ code: 'UNRESOLVED_MANDATE', message: 'a termination names no mandate of the catalogue', source: span(text, t.start, clauseEnd) });
        continue;
      }
      const on = found ? resolveDate(found.date, decision) : decision.adoptedOn;
      if (!on) continue;
      const end = Math.max(t.end, mention.end, found?.date.end ?? 0);
      const source = span(text, Math.min(t.start, mention.start), end);
      out.terminations.push({
        fact: { kind: 'mandate_terminated', mandateId: mention.entry.id, on, decision: decision.symbol, adoptedOn: decision.adoptedOn, source },
        dated: Boolean(found),
        warning: found ? null : { code: 'TERMINATION_DATE_ASSUMED', message: `no end date stated; the adoption date ${on} is taken as the last day`, source },
      });
      continue;
    }

    const explicit = dateAfter(text, EXPLICIT_UNTIL, t.start, clauseEnd);
    const relative = firstMatch(text, RELATIVE_PERIOD, t.start, clauseEnd);
    if (!explicit && !relative) continue;
    if (!mention) {
      out.warnings.push({
        code: 'UNRESOLVED_MANDATE',
        message: 'an extension names no mandate of the catalogue; add it to the catalogue (CSV) and import again',
        source: span(text, t.start, clauseEnd),
      });
      continue;
    }
    const periodText = relative ? relative[0] : null;
    const startOf = Math.min(t.start, mention.start);
    if (explicit) {
      const until = resolveDate(explicit.date, decision);
      if (!until) continue;
      const end = Math.max(mention.end, explicit.date.end, relative ? relative.index + relative[0].length : 0);
      out.extensions.push({
        key: `${mention.entry.id}|${decision.symbol}`,
        fact: {
          kind: 'mandate_extended',
          mandateId: mention.entry.id,
          until,
          decision: decision.symbol,
          adoptedOn: decision.adoptedOn,
          paragraphs: [],
          period: periodText,
          source: span(text, startOf, end),
        },
        fromPeriod: false,
        warning: null,
      });
      continue;
    }
    const period = periodOf(relative!);
    if (!period) continue;
    const end = Math.max(mention.end, relative!.index + relative![0].length);
    const source = span(text, startOf, end);
    // "for a further period of N months" runs from the day after the current expiry when the
    // text states it; otherwise the period is counted from the adoption (domain notes).
    const current = dateAfter(text, CURRENT_EXPIRY, sentence.start, sentence.end);
    const currentIso = current ? resolveDate(current.date, decision) : null;
    let until: string;
    let reading: string;
    if (currentIso) {
      until = addPeriod(currentIso, period.count, period.unit);
      reading = `from the day after the current expiry ${currentIso} (${addDays(currentIso, 1)})`;
    } else if (decision.adoptedOn) {
      until = addPeriod(decision.adoptedOn, period.count, period.unit);
      reading = `from the adoption date ${decision.adoptedOn} (no current expiry stated)`;
    } else {
      out.extensions.push({
        key: `${mention.entry.id}|${decision.symbol}`,
        fact: null,
        fromPeriod: true,
        warning: { code: 'PERIOD_UNRESOLVED', message: `"${periodText}" cannot be resolved: neither the adoption date nor the current expiry is known`, source },
      });
      continue;
    }
    out.extensions.push({
      key: `${mention.entry.id}|${decision.symbol}`,
      fact: { kind: 'mandate_extended', mandateId: mention.entry.id, until, decision: decision.symbol, adoptedOn: decision.adoptedOn, paragraphs: [], period: periodText, source },
      fromPeriod: true,
      warning: { code: 'PERIOD_RESOLVED', message: `"${periodText}" read ${reading}: until ${until}`, source },
    });
  }

  extractReports(ctx, out, allMentions);
  return out;
}

function extractReports(ctx: SentenceContext, out: SentenceFacts, allMentions: () => MandateMention[]): void {
  const { text, sentence, decision } = ctx;
  if (!decision) return;
  const verb = firstMatch(text, REQUEST_VERB, sentence.start, sentence.end);
  if (!verb) return;
  let segmentStart = verb.index + verb[0].length;
  for (const m of matchesIn(DEADLINE, text, segmentStart, sentence.end)) {
    let dueOn: string | null = null;
    let deadlineEnd: number;
    let relative = false;
    if (m.groups?.n) {
      const count = numberOf(m.groups.n);
      deadlineEnd = m.index + m[0].length;
      if (!count || !decision.adoptedOn) continue;
      const unit = m.groups.u.toLowerCase();
      dueOn = unit === 'day' ? addDays(decision.adoptedOn, count) : addPeriod(decision.adoptedOn, count, 'month');
      relative = true;
    } else {
      const date = dateAt(text, m.index + m[0].length);
      if (!date) continue;
      deadlineEnd = date.end;
      dueOn = resolveDate(date, decision);
    }
    if (deadlineEnd > sentence.end) break;
    // The thing requested: the last report noun before the deadline in this segment, from its
    // article; or, for "submit by 10 January a report on ...", the noun phrase after it.
    const segment = text.slice(segmentStart, m.index);
    let descStart = -1;
    let descEnd = deadlineEnd;
    REPORT_NOUN.lastIndex = 0;
    let lastNoun: RegExpExecArray | null = null;
    for (let r = REPORT_NOUN.exec(segment); r; r = REPORT_NOUN.exec(segment)) lastNoun = r;
    if (lastNoun) {
      const head = segment.slice(0, lastNoun.index);
      const article = ARTICLE_BEFORE.exec(head);
      descStart = segmentStart + (article ? article.index : lastNoun.index);
    } else {
      const after = text.slice(deadlineEnd, Math.min(sentence.end, deadlineEnd + 200));
      const noun = /^\s+(?:a|an|the|its|his|her|their)\s+(?:[\w‑-]+\s+){0,3}?(?:report|update|plan|road ?map|assessment|recommendations|briefing)\b[^,;.]*/i.exec(after);
      if (noun) {
        // "requested the Secretary-General to submit by ...": the request starts at its verb.
        const infinitive = /\bto\s+(?=\w+\s*$)/i.exec(segment);
        descStart = segmentStart + (infinitive ? infinitive.index + infinitive[0].length : 0);
        descEnd = deadlineEnd + noun[0].length;
      }
    }
    segmentStart = deadlineEnd;
    if (descStart < 0 || !dueOn) continue;
    while (/[\s,]/.test(text[descStart] ?? '') && descStart < descEnd) descStart++;
    const source = span(text, descStart, descEnd);
    const mention = allMentions()[0] ?? null;
    out.reports.push({
      kind: 'report_request',
      mandateId: mention ? mention.entry.id : null,
      dueOn,
      decision: decision.symbol,
      description: source.quote.replace(/\s+/g, ' ').slice(0, 1000),
      paragraphs: [],
      agendaItem: ctx.agendaItem,
      source,
    });
    if (relative) {
      out.warnings.push({ code: 'PERIOD_RESOLVED', message: `"${m[0]}" read from the adoption date ${decision.adoptedOn}: due ${dueOn}`, source });
    }
  }
}

/**
 * Applies "an explicit date always wins over a period" across a document: for one mandate and
 * one decision, an extension read from a date replaces one computed from a period. Among equals
 * the first in the text is kept.
 */
export function settleExtensions(candidates: ExtensionCandidate[]): { facts: Extended[]; warnings: ImportWarning[] } {
  // Rank: a date read from the text, then a period resolved against a known date, then a period
  // that could not be resolved (kept only to report it).
  const rank = (c: ExtensionCandidate) => (!c.fact ? 0 : c.fromPeriod ? 1 : 2);
  const kept = new Map<string, ExtensionCandidate>();
  for (const c of candidates) {
    const prev = kept.get(c.key);
    if (!prev || rank(c) > rank(prev)) kept.set(c.key, c);
  }
  const list = [...kept.values()];
  const facts = list.flatMap((c) => (c.fact ? [c.fact] : [])).sort((a, b) => a.source.start - b.source.start);
  return { facts, warnings: list.flatMap((c) => (c.warning ? [c.warning] : [])) };
}

/** One termination per mandate and decision; a stated end date beats an assumed one. */
export function settleTerminations(candidates: TerminationCandidate[]): { facts: Terminated[]; warnings: ImportWarning[] } {
  const kept = new Map<string, TerminationCandidate>();
  for (const c of candidates) {
    const key = `${c.fact.mandateId}|${c.fact.decision}`;
    const prev = kept.get(key);
    if (!prev || (!prev.dated && c.dated)) kept.set(key, c);
  }
  const list = [...kept.values()].sort((a, b) => a.fact.source.start - b.fact.source.start);
  return { facts: list.map((c) => c.fact), warnings: list.flatMap((c) => (c.warning ? [c.warning] : [])) };
}
