import { normalizeSymbol } from '#libs/domain';
import { mandateCatalogue, resolveAgendaItem, type CatalogueEntry } from '../catalogue/index.js';
import { dateRegex, findEnDates, isoOf } from '../english/dates.js';
import { readChapterVII, readMeeting, readVote } from '../english/decision.js';
import {
  extractSentence,
  isHistorySentence,
  settleExtensions,
  settleTerminations,
  type DecisionRef,
  type ExtensionCandidate,
  type TerminationCandidate,
} from '../english/extract.js';
import { agendaItemOf, MentionFinder } from '../english/mandates.js';
import { splitSentences, type Span } from '../english/sentences.js';
import type { ImportWarning, ImportedFact, ParseResult, SourceSpan } from '../types.js';

/**
 * The English *Repertoire of the Practice of the Security Council*: narrative sections per
 * agenda item ("12. The situation in Mali"), each recounting several decisions in sentences such
 * as "On 29 June 2020, the Council adopted resolution 2531 (2020), by which it extended the
 * mandate of MINUSMA until 30 June 2021". Each decision is introduced by such a sentence; the
 * sentences after it ("By the same resolution, ...") belong to it until another one is introduced.
 * The sentence-level reading is the press releases' (english/extract.ts).
 */

export interface RepertoireEnOptions {
  catalogue?: readonly CatalogueEntry[];
}

const MAX_WARNINGS = 200;
const DATE = dateRegex('').source;

// A sentence that introduces a decision: "adopted resolution X", "by resolution X, ... the
// Council", "In resolution X, the Council". Recalled resolutions ("imposed by resolution 2374
// (2017)") are not followed by "the Council" acting.
const INTRODUCES = [
  /\badopt(?:s|ed|ing)?\s+(?:its\s+)?resolution\s+(\d{1,5})\s*\(\s*(\d{4})\s*\)/i,
  /(?:^|[,;]\s*)(?:by|in|through)\s+(?:its\s+)?resolution\s+(\d{1,5})\s*\(\s*(\d{4})\s*\)\s*,[^.]{0,160}?\bthe\s+Council\b/i,
];
const SENTENCE_DATE = new RegExp(`^\\W{0,3}On\\s+(${DATE})`, 'i');
const ADOPTED_ON = new RegExp(`\\badopted\\s+on\\s+(${DATE})`, 'i');
// "12. The situation in Mali" / "The question concerning Haiti" on a line of its own.
const HEADING = /^[ \t]*(?:\d{1,3}\.[ \t]+)?(The\s+(?:situation|question)\b[^\n.]{2,120})[ \t]*$/gim;

interface Section {
  start: number;
  agendaItem: string | null;
}

function sections(text: string, catalogueAgenda: (title: string) => string | null): Section[] {
  const out: Section[] = [];
  HEADING.lastIndex = 0;
  for (let m = HEADING.exec(text); m; m = HEADING.exec(text)) {
    out.push({ start: m.index, agendaItem: catalogueAgenda(m[1].trim()) });
  }
  return out;
}

function span(text: string, start: number, end: number): SourceSpan {
  return { start, end, quote: text.slice(start, end) };
}

interface Introduced {
  decision: DecisionRef;
  fact: Extract<ImportedFact, { kind: 'decision' }> | null;
}

function introduce(text: string, s: Span, agendaItem: string | null, previousYear: number | null): Introduced | null {
  const sentence = text.slice(s.start, s.end);
  const m = INTRODUCES.map((re) => re.exec(sentence)).find((x) => x);
  if (!m) return null;
  const symbol = normalizeSymbol(`S/RES/${m[1]} (${m[2]})`);
  if (!symbol) return null;
  const dateText = SENTENCE_DATE.exec(sentence)?.[1] ?? ADOPTED_ON.exec(sentence)?.[1] ?? null;
  const [d] = dateText ? findEnDates(dateText) : [];
  // "On 29 June, ..." omits the year: the resolution's own year is the adoption year.
  const adoptedOn = d ? isoOf(d, d.year ?? Number(m[2]) ?? previousYear) : null;
  const decision: DecisionRef = { symbol, adoptedOn };
  if (!adoptedOn) return { decision, fact: null };
  return {
    decision,
    fact: {
      kind: 'decision',
      symbol,
      decisionKind: 'resolution',
      adoptedOn,
      vote: readVote(sentence)?.vote ?? null,
      chapterVII: readChapterVII(sentence),
      meeting: readMeeting(sentence),
      agendaItem,
      writtenProcedureRecord: null,
      source: span(text, s.start, s.end),
    },
  };
}

export function parseRepertoireEn(text: string, options: RepertoireEnOptions = {}): ParseResult {
  const catalogue = mandateCatalogue(options.catalogue);
  const facts: ImportedFact[] = [];
  const warnings: ImportWarning[] = [];
  const heads = sections(text, (title) => resolveAgendaItem(title)?.id ?? agendaItemOf(title, catalogue));
  const mentionsBySection = new Map<number, MentionFinder>();
  const candidates: ExtensionCandidate[] = [];
  const terminations: TerminationCandidate[] = [];
  const decisions = new Map<string, Extract<ImportedFact, { kind: 'decision' }>>();

  let current: DecisionRef | null = null;
  let currentSection = -1;
  for (const sentence of splitSentences(text)) {
    // Sections: the agenda item resolves generic words ("the Panel of Experts").
    let sectionIndex = -1;
    for (let i = 0; i < heads.length && heads[i].start <= sentence.start; i++) sectionIndex = i;
    if (sectionIndex !== currentSection) {
      currentSection = sectionIndex;
      current = null; // a decision never carries over into another agenda item
    }
    const section = heads[sectionIndex];
    const sectionEnd = heads[sectionIndex + 1]?.start ?? text.length;
    const agendaItem = section?.agendaItem ?? agendaItemOf(text.slice(sentence.start, sentence.end), catalogue);
    let mentions = mentionsBySection.get(sectionIndex);
    if (!mentions) {
      mentions = new MentionFinder(catalogue, text.slice(section?.start ?? 0, Math.min(sectionEnd, (section?.start ?? 0) + 1500)));
      mentionsBySection.set(sectionIndex, mentions);
    }

    if (!isHistorySentence(text, sentence)) {
      const introduced = introduce(text, sentence, agendaItem, current?.adoptedOn ? Number(current.adoptedOn.slice(0, 4)) : null);
      if (introduced) {
        current = introduced.decision;
        if (introduced.fact && !decisions.has(introduced.fact.symbol)) decisions.set(introduced.fact.symbol, introduced.fact);
        if (!introduced.fact) {
          warnings.push({ code: 'NO_ADOPTION_DATE', message: `${introduced.decision.symbol}: the sentence gives no adoption date`, source: span(text, sentence.start, sentence.end) });
        }
      }
    }
    const found = extractSentence({ text, sentence, decision: current, agendaItem, mentions });
    candidates.push(...found.extensions);
    terminations.push(...found.terminations);
    facts.push(...found.reports);
    warnings.push(...found.warnings);
    if (warnings.length > MAX_WARNINGS) break;
  }
  facts.push(...decisions.values());
  for (const settled of [settleExtensions(candidates), settleTerminations(terminations)]) {
    facts.push(...settled.facts);
    warnings.push(...settled.warnings);
  }
  facts.sort((a, b) => a.source.start - b.source.start || Number(b.kind === 'decision') - Number(a.kind === 'decision'));
  return { format: 'repertoire', language: 'en', facts, warnings: warnings.slice(0, MAX_WARNINGS) };
}
