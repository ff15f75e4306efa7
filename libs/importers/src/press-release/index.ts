import type { CatalogueEntry } from '../catalogue/index.js';
import { mandateCatalogue } from '../catalogue/index.js';
import { findEnDates, isoOf, dateRegex } from '../english/dates.js';
import { ADOPTED_RESOLUTION, RESOLUTION_MENTION, readChapterVII, readMeeting, readVote, resolutionSymbol } from '../english/decision.js';
import { extractSentence, settleExtensions, settleTerminations, type DecisionRef, type ExtensionCandidate, type TerminationCandidate } from '../english/extract.js';
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

/** The resolution the release is about: the first one it says is adopted, else the headline's. */
function mainResolution(text: string): { symbol: string; start: number; end: number } | null {
  ADOPTED_RESOLUTION.lastIndex = 0;
  const adopted = ADOPTED_RESOLUTION.exec(text);
  const m = adopted ?? (() => {
    RESOLUTION_MENTION.lastIndex = 0;
    return RESOLUTION_MENTION.exec(text.slice(0, 600));
  })();
  if (!m) return null;
  const symbol = resolutionSymbol(m);
  return symbol ? { symbol, start: m.index, end: m.index + m[0].length } : null;
}

export function parsePressRelease(text: string, options: PressReleaseOptions = {}): ParseResult {
  const warnings: ImportWarning[] = [];
  const facts: ImportedFact[] = [];
  const catalogue = mandateCatalogue(options.catalogue);
  const result = (): ParseResult => ({ format: 'press-release', language: 'en', facts, warnings: warnings.slice(0, MAX_WARNINGS) });

  const main = mainResolution(text);
  if (!main) {
    warnings.push({ code: 'NO_DECISION', message: 'no adopted resolution found: a press release without a decision yields no facts' });
    return result();
  }
  const dateline = readDateline(text);
  const lead = leadDate(text, dateline?.iso ?? null);
  const adoption = lead ?? dateline;
  if (!adoption) {
    warnings.push({
      code: 'NO_ADOPTION_DATE',
      message: `no dateline and no date in the lead: ${main.symbol} is not recorded as a decision, and periods cannot be resolved`,
      source: span(text, main.start, main.end),
    });
  }
  const decision: DecisionRef = { symbol: main.symbol, adoptedOn: adoption?.iso ?? null };

  const sentences = splitSentences(text);
  // The vote and Chapter VII are stated about the main decision; the sentence that adopts it is
  // the decision fact's source.
  const adoptingSentence = sentences.find((s) => s.start <= main.start && main.end <= s.end) ?? { start: main.start, end: main.end };
  const vote = readVote(text);
  if (adoption) {
    facts.push({
      kind: 'decision',
      symbol: main.symbol,
      decisionKind: 'resolution',
      adoptedOn: adoption.iso,
      vote: vote?.vote ?? null,
      chapterVII: readChapterVII(text),
      meeting: readMeeting(text.slice(0, 300)),
      agendaItem: null,
      writtenProcedureRecord: null,
      source: span(text, adoptingSentence.start, adoptingSentence.end),
    });
  }

  const subject = text.slice(0, 1500);
  const agendaItem = agendaItemOf(subject, catalogue);
  const mentions = new MentionFinder(catalogue, subject);
  const candidates: ExtensionCandidate[] = [];
  const terminations: TerminationCandidate[] = [];
  for (const sentence of sentences) {
    const found = extractSentence({ text, sentence, decision, agendaItem, mentions });
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
  // The decision first, then facts in reading order: stable output for clients and tests.
  facts.sort((a, b) => Number(b.kind === 'decision') - Number(a.kind === 'decision') || a.source.start - b.source.start);
  return result();
}
