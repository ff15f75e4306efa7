import type { CatalogueEntry } from '../catalogue/index.js';
import { mandateCatalogue } from '../catalogue/index.js';
import { findEnDates, isoOf, dateRegex } from '../english/dates.js';
import { normalizeSymbol } from '#libs/domain';
import { ADOPTED_RESOLUTION, RESOLUTION_MENTION, readChapterVII, readMeeting, readVote, resolutionSymbol } from '../english/decision.js';
import { extractSentence, isHistorySentence, settleExtensions, settleTerminations, type DecisionRef, type ExtensionCandidate, type TerminationCandidate } from '../english/extract.js';
import { agendaItemOf, MentionFinder } from '../english/mandates.js';
import { splitSentences } from '../english/sentences.js';
import type { ImportWarning, ImportedFact, ParseResult, SourceSpan } from '../types.js';

/**
 * UN press releases (press.un.org, "Meetings Coverage"): one decision per release, told in the
 * Council's house style — a dateline, a headline, a lead ("The Security Council today extended
 * ... until 30 June 2021"), then the vote and the other terms of the text.
 */

export interface PressReleaseOptions {
  /** Mandate catalogue to resolve names against (base catalogue plus a user's CSV). */
  catalogue?: readonly CatalogueEntry[];
}

/** Warnings are capped so hostile input cannot produce a response of unbounded size. */
export const MAX_WARNINGS = 200;

// The dateline is a line of its own near the top: "29 JUNE 2020" (or "29 June 2020").
const DATELINE = new RegExp(`^[ \\t]*(?:${dateRegex('').source})[ \\t]*$`, 'im');

function span(text: string, start: number, end: number): SourceSpan {
  return { start, end, quote: text.slice(start, end) };
}

/** The date of the dateline, searched in the first lines only. */
export function readDateline(text: string): { iso: string; start: number; end: number } | null {
  const head = text.slice(0, 600);
  const m = DATELINE.exec(head);
  if (!m) return null;
  const [d] = findEnDates(m[0]);
  const iso = d ? isoOf(d) : null;
  if (!iso || !d) return null;
  return { iso, start: m.index + d.start, end: m.index + d.end };
}

/**
 * When the lead states the day itself ("On 30 March 2020, the Security Council ...", "in a
 * 29 June videoconference meeting", "decided unanimously on 30 March 2020"), that is the
 * adoption; releases on written procedures are often dated a day later than the decision.
 */
function leadDate(text: string, datelineIso: string | null): { iso: string; start: number; end: number } | null {
  const DATE = dateRegex('').source;
  const patterns = [
    new RegExp(`^\\s*On\\s+(${DATE}),?\\s+the\\s+(?:Security\\s+)?Council\\b`, 'im'),
    new RegExp(`\\b(?:in|during)\\s+a\\s+(${DATE})\\s+(?:videoconference\\s+|open\\s+)?meeting\\b`, 'i'),
    new RegExp(`\\bCouncil\\s+(?:decided|adopted|extended|renewed)\\s+(?:unanimously\\s+)?on\\s+(${DATE})`, 'i'),
    new RegExp(`\\bmeeting\\*?\\s+on\\s+(${DATE})`, 'i'),
  ];
  const lead = text.slice(0, 2500);
  let best: { iso: string; start: number; end: number } | null = null;
  for (const p of patterns) {
    const m = p.exec(lead);
    if (!m) continue;
    const offset = m.index + m[0].indexOf(m[1]);
    const [d] = findEnDates(m[1]);
    if (!d) continue;
    const year = d.year ?? (datelineIso ? Number(datelineIso.slice(0, 4)) : null);
    const iso = isoOf(d, year);
    if (iso && (!best || offset < best.start)) best = { iso, start: offset, end: offset + m[1].length };
  }
  return best;
}

interface AdoptedDecision {
  symbol: string;
  kind: 'resolution' | 'presidential_statement';
  start: number;
  end: number;
}

// "the Council adopted a presidential statement (S/PRST/2020/10)", "presidential statement
// S/PRST/2020/10": a statement has no vote.
const PRESIDENTIAL_STATEMENT = /\bpresidential\s+statement\b[^.]{0,120}?\b(S\/PRST\/\d{4}\/\d{1,3})\b|\b(S\/PRST\/\d{4}\/\d{1,3})\b/i;

/**
 * The decisions a release reports, in order: every resolution it says is adopted; else the
 * resolution in its headline; else a presidential statement it reports.
 */
function decisionsOf(text: string): AdoptedDecision[] {
  const out: AdoptedDecision[] = [];
  ADOPTED_RESOLUTION.lastIndex = 0;
  for (let m = ADOPTED_RESOLUTION.exec(text); m; m = ADOPTED_RESOLUTION.exec(text)) {
    const symbol = resolutionSymbol(m);
    if (symbol && !out.some((d) => d.symbol === symbol)) out.push({ symbol, kind: 'resolution', start: m.index, end: m.index + m[0].length });
  }
  if (out.length) return out;
  RESOLUTION_MENTION.lastIndex = 0;
  const headline = RESOLUTION_MENTION.exec(text.slice(0, 600));
  const symbol = headline ? resolutionSymbol(headline) : null;
  if (headline && symbol) return [{ symbol, kind: 'resolution', start: headline.index, end: headline.index + headline[0].length }];
  const prst = /\bpresidential\s+statement\b/i.test(text) ? PRESIDENTIAL_STATEMENT.exec(text) : null;
  const prstSymbol = prst ? normalizeSymbol(prst[1] ?? prst[2]) : null;
  if (prst && prstSymbol) {
    const at = prst.index + prst[0].lastIndexOf(prst[1] ?? prst[2]);
    return [{ symbol: prstSymbol, kind: 'presidential_statement', start: at, end: at + (prst[1] ?? prst[2]).length }];
  }
  return [];
}

export function parsePressRelease(text: string, options: PressReleaseOptions = {}): ParseResult {
  const warnings: ImportWarning[] = [];
  const facts: ImportedFact[] = [];
  const catalogue = mandateCatalogue(options.catalogue);
  const result = (): ParseResult => ({ format: 'press-release', language: 'en', facts, warnings: warnings.slice(0, MAX_WARNINGS) });

  const sentences = splitSentences(text);
  const sentenceOf = (d: { start: number; end: number }) => sentences.find((s) => s.start <= d.start && d.end <= s.end) ?? { start: d.start, end: d.end };
  // "The Council previously adopted resolution 2464 (2019)" is not a decision of this release.
  const decisions = decisionsOf(text).filter((d) => !isHistorySentence(text, sentenceOf(d)));
  if (!decisions.length) {
    warnings.push({ code: 'NO_DECISION', message: 'no adopted resolution or presidential statement found: a press release without a decision yields no facts' });
    return result();
  }
  const dateline = readDateline(text);
  const lead = leadDate(text, dateline?.iso ?? null);
  const adoption = lead ?? dateline;
  if (!adoption) {
    warnings.push({
      code: 'NO_ADOPTION_DATE',
      message: `no dateline and no date in the lead: ${decisions.map((d) => d.symbol).join(', ')} not recorded as decisions, and periods cannot be resolved`,
      source: span(text, decisions[0].start, decisions[0].end),
    });
  }

  // One decision: the vote and Chapter VII may be stated anywhere in the release. Several: each
  // is read from the sentence that adopts it.
  const single = decisions.length === 1;
  if (adoption) {
    for (const d of decisions) {
      const own = sentenceOf(d);
      const passage = single ? text : text.slice(own.start, own.end);
      facts.push({
        kind: 'decision',
        symbol: d.symbol,
        decisionKind: d.kind,
        adoptedOn: adoption.iso,
        vote: d.kind === 'resolution' ? (readVote(passage)?.vote ?? null) : null,
        chapterVII: readChapterVII(passage),
        meeting: readMeeting(text.slice(0, 300)),
        agendaItem: null,
        writtenProcedureRecord: null,
        source: span(text, own.start, own.end),
      });
    }
  }

  // Sentences belong to the first decision until a sentence adopts another one.
  let decision: DecisionRef = { symbol: decisions[0].symbol, adoptedOn: adoption?.iso ?? null };
  const subject = text.slice(0, 1500);
  const agendaItem = agendaItemOf(subject, catalogue);
  const mentions = new MentionFinder(catalogue, subject);
  const candidates: ExtensionCandidate[] = [];
  const terminations: TerminationCandidate[] = [];
  for (const sentence of sentences) {
    const adopted = decisions.filter((d) => d.start >= sentence.start && d.end <= sentence.end);
    if (adopted.length && !adopted.some((d) => d.symbol === decision.symbol) && !isHistorySentence(text, sentence)) {
      decision = { symbol: adopted[0].symbol, adoptedOn: decision.adoptedOn };
    }
    // A release may cover several agenda items ("sanctions on South Sudan ... UNAMI"): the
    // sentence's own subject wins over the release's.
    const local = agendaItemOf(text.slice(sentence.start, sentence.end), catalogue) ?? agendaItem;
    const found = extractSentence({ text, sentence, decision, agendaItem: local, mentions });
    candidates.push(...found.extensions);
    terminations.push(...found.terminations);
    facts.push(...found.reports);
    warnings.push(...found.warnings);
    if (warnings.length > MAX_WARNINGS) break;
  }
  for (const settled of [settleExtensions(candidates), settleTerminations(terminations)]) {
    facts.push(...settled.facts);
    warnings.push(...settled.warnings);
  }
  // Decisions first, then facts in reading order: stable output for clients and tests.
  facts.sort((a, b) => Number(b.kind === 'decision') - Number(a.kind === 'decision') || a.source.start - b.source.start);
  return result();
}
