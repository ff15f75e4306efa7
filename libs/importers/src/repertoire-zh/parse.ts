import { meetingIdOf, type Names } from '#libs/domain';
import { AGENDA_ITEMS } from '../catalogue/agenda-items.js';
import { mandateCatalogue, resolveAgendaItem, type MandateCatalogue } from '../catalogue/resolve.js';
import type { AgendaItemEntry, CatalogueEntry } from '../catalogue/types.js';
import type { ImportWarning, ImportedFact, ParseResult, SourceSpan } from '../types.js';
import { readLayout, type Footnote } from './layout.js';
import { readNarrativeFlow, splitSentences, type Sentence } from './narrative.js';
import { foldText, type OffsetMappedText } from './offset-text.js';
import { readStructure, type Section } from './structure.js';
import { readMeetingRow, readVideoconferenceRow, type DecisionCell } from './tables.js';
import { compactZh, isoOf, parseCount, parseParagraphs, findSymbols } from './zh-text.js';

export const UNKNOWN_AGENDA_ITEM = 'unknown-agenda-item';
const MAX_WARNINGS = 200;
const MAX_FACTS = 5000;

export interface RepertoireZhOptions {
  /** Mandate catalogue to resolve names against (defaults to the base catalogue). */
  catalogue?: readonly CatalogueEntry[];
  agendaItems?: readonly AgendaItemEntry[];
}

type Fact = ImportedFact;
type MeetingFact = Extract<Fact, { kind: 'meeting' | 'videoconference' }>;
type DecisionFact = Extract<Fact, { kind: 'decision' }>;

/** Collects warnings, bounded so hostile input cannot grow the result without limit. */
class WarningSink {
  readonly list: ImportWarning[] = [];
  private dropped = 0;
  add(code: string, message: string, source?: SourceSpan) {
    if (this.list.length < MAX_WARNINGS) this.list.push(source ? { code, message, source } : { code, message });
    else this.dropped++;
  }
  finish(): ImportWarning[] {
    if (this.dropped) this.list.push({ code: 'TOO_MANY_WARNINGS', message: `${this.dropped} further warnings were not listed` });
    return this.list;
  }
}

function spanOfOriginal(original: string, start: number, end: number): SourceSpan {
  return { start, end, quote: original.slice(start, end) };
}

interface SectionContext {
  section: Section;
  agendaItem: string;
  agendaItemNames?: Names;
  year: number | null;
}

/**
 * Reads a section (or sections) of the Chinese *Repertoire of the Practice of the Security
 * Council* as extracted from its PDF: meetings and videoconferences from the tables, decisions,
 * mandate extensions and report requests from the narrative and its footnotes. Every fact cites
 * the original text; anything the text leaves open (an agenda item outside the excerpt, an
 * undated decision, an unknown mission) becomes a warning rather than a guess.
 */
export function parseRepertoireZh(text: string, options: RepertoireZhOptions = {}): ParseResult {
  const catalogue = mandateCatalogue(options.catalogue);
  const agendaItems = options.agendaItems ?? AGENDA_ITEMS;
  const warnings = new WarningSink();
  const folded = foldText(text);
  const layout = readLayout(text, folded);
  const sections = readStructure(layout.lines, text.length);

  const meetings = new Map<string, MeetingFact>();
  const decisions = new Map<string, DecisionFact>();
  const others: Fact[] = [];
  let factCount = 0;
  const room = () => factCount < MAX_FACTS;

  // Years are often omitted in running text (6 月 29 日): they come from the tables' full dates,
  // the section's first, then the document's.
  const documentYear = mostCommonYear(sections.flatMap((s) => tableYears(s)));

  const contexts: SectionContext[] = sections.map((section) => {
    let agendaItem = UNKNOWN_AGENDA_ITEM;
    let agendaItemNames: Names | undefined;
    if (section.title !== null) {
      const item = resolveAgendaItem(section.title, agendaItems);
      if (item) {
        agendaItem = item.id;
        agendaItemNames = { en: item.names.en, ...(item.names.zh ? { zh: item.names.zh } : {}), ...(item.names.fr ? { fr: item.names.fr } : {}) };
      } else {
        agendaItem = `agenda-zh-${fnv1a(compactZh(section.title))}`;
        agendaItemNames = undefined;
        warnings.add('UNRESOLVED_AGENDA_ITEM', `agenda item "${section.title}" is not in the catalogue; recorded as ${agendaItem}`, spanOfOriginal(text, section.start, Math.min(section.end, section.start + 80)));
      }
      for (const t of section.tableTitles) {
        if (compactZh(t.title) !== compactZh(section.title)) {
          warnings.add('TABLE_TITLE_MISMATCH', `table title "${t.title}" differs from the section title "${section.title}"`, spanOfOriginal(text, t.line.start, t.line.end));
        }
      }
    }
    const year = mostCommonYear(tableYears(section)) ?? documentYear;
    return { section, agendaItem, agendaItemNames, year };
  });

  // Tables first: they are the authoritative list of meetings and decisions.
  for (const ctx of contexts) {
    const { section, agendaItem, agendaItemNames } = ctx;
    for (const rowLines of section.videoconferenceRows) {
      if (!room()) break;
      const row = readVideoconferenceRow(rowLines);
      const first = rowLines[0];
      if (!row) {
        warnings.add('UNREADABLE_ROW', 'a videoconference row without a readable date and record', spanOfOriginal(text, first.start, first.end));
        continue;
      }
      const source = spanOfOriginal(text, row.start, row.end);
      for (const p of row.problems) warnings.add('AMBIGUOUS_ROW', `${row.record}: ${p}`, source);
      if (agendaItem === UNKNOWN_AGENDA_ITEM) {
        warnings.add('UNKNOWN_AGENDA_ITEM', `videoconference ${row.record} of ${row.date} belongs to an agenda item whose title is not in the excerpt`, source);
      }
      const decision = row.decisions[0] ?? null;
      const fact: MeetingFact = {
        kind: 'videoconference',
        meetingId: meetingIdOf(row.record),
        symbol: null,
        record: row.record,
        recordDate: row.recordDate,
        date: row.date,
        agendaItem,
        ...(agendaItemNames ? { agendaItemNames } : {}),
        format: 'videoconference',
        subItem: null,
        documents: [],
        rule37: [],
        rule39: [],
        speakers: [],
        outcome: decision?.symbol ?? null,
        writtenProcedureRecord: row.writtenProcedureRecord,
        source,
      };
      addMeeting(fact);
      for (const d of row.decisions) addDecision(d, row.date, row.record, agendaItem, row.writtenProcedureRecord, source);
    }
    for (const rowLines of section.meetingRows) {
      if (!room()) break;
      const row = readMeetingRow(rowLines);
      const source = spanOfOriginal(text, row.start, row.end);
      for (const p of row.problems) warnings.add('AMBIGUOUS_ROW', `${row.symbol}: ${p}`, source);
      if (!row.date) continue;
      if (agendaItem === UNKNOWN_AGENDA_ITEM) warnings.add('UNKNOWN_AGENDA_ITEM', `meeting ${row.symbol} belongs to an agenda item whose title is not in the excerpt`, source);
      const outcome = row.decisions[0]?.symbol ?? null;
      addMeeting({
        kind: 'meeting',
        meetingId: meetingIdOf(row.symbol),
        symbol: row.symbol,
        record: null,
        recordDate: null,
        date: row.date,
        agendaItem,
        ...(agendaItemNames ? { agendaItemNames } : {}),
        // A meeting that adopted a decision and heard nobody was convened for the adoption;
        // one with speakers was, in the Repertoire's terms for these items, a briefing.
        format: row.speakers.length === 0 && outcome ? 'adoption' : row.speakers.length ? 'briefing' : 'other',
        subItem: row.subItem,
        documents: row.documents,
        rule37: row.rule37,
        rule39: row.rule39,
        speakers: row.speakers,
        outcome,
        writtenProcedureRecord: null,
        source,
      });
      for (const d of row.decisions) addDecision(d, row.date, row.symbol, agendaItem, null, source);
    }
  }

  // Then the narrative: extensions, report requests, and what the tables do not show.
  const consumed = new Set<number>();
  for (const ctx of contexts) {
    if (!ctx.section.narrative.length) continue;
    const narrativeFlow = readNarrativeFlow(text, ctx.section.narrative, layout.footnotes, consumed, folded);
    const { sentences, skipped } = splitSentences(narrativeFlow);
    if (skipped) warnings.add('SENTENCE_TOO_LONG', `${skipped} overlong run(s) of text without a full stop were not read`);
    readNarrative(ctx, sentences, narrativeFlow.flow);
  }

  const facts: Fact[] = [...meetings.values(), ...decisions.values(), ...others];
  if (!room()) warnings.add('TOO_MANY_FACTS', `stopped after ${MAX_FACTS} facts`);
  return { format: 'repertoire', language: 'zh', facts, warnings: warnings.finish() };

  // --- helpers sharing the parse state -------------------------------------------------------

  function addMeeting(fact: MeetingFact) {
    const existing = meetings.get(fact.meetingId);
    if (existing) {
      if (existing.date !== fact.date) warnings.add('CONFLICTING_DATES', `${fact.meetingId}: ${existing.date} in one place, ${fact.date} in another`, fact.source);
      return;
    }
    meetings.set(fact.meetingId, fact);
    factCount++;
  }

  function addDecision(d: DecisionCell, adoptedOn: string, meeting: string, agendaItem: string, writtenProcedureRecord: string | null, source: SourceSpan) {
    const existing = decisions.get(d.symbol);
    if (existing) {
      if (existing.adoptedOn !== adoptedOn) warnings.add('CONFLICTING_DATES', `${d.symbol}: adopted ${existing.adoptedOn} in one place, ${adoptedOn} in another`, source);
      return;
    }
    decisions.set(d.symbol, {
      kind: 'decision',
      decisionKind: d.kind,
      symbol: d.symbol,
      adoptedOn,
      vote: d.vote,
      chapterVII: d.chapterVII,
      meeting,
      agendaItem: agendaItem === UNKNOWN_AGENDA_ITEM ? null : agendaItem,
      writtenProcedureRecord,
      source,
    });
    factCount++;
  }

  function readNarrative(ctx: SectionContext, sentences: Sentence[], flow: OffsetMappedText) {
    const { agendaItem, year } = ctx;
    const scopedAgenda = agendaItem === UNKNOWN_AGENDA_ITEM ? null : agendaItem;
    /** Decisions the narrative says were adopted, with the date it gives (or null). */
    const adopted = new Map<string, string | null>();
    const adoptionSentences = new Map<string, Sentence>();
    const adoptionSpans = new Map<string, SourceSpan>();
    const extendedBy = new Map<string, string>(); // decision → mandate
    let lastDecision: string | null = null;
    let lastFootnoteDecision: string | null = null;
    let statedMeetings: { count: number; at: Sentence } | null = null;
    let statedVideoconferences: { count: number; at: Sentence } | null = null;

    /** Decision and paragraphs a footnote cites (`第 2531(2020)号决议，第 16 和 18 段`; `同上，第 28 段`). */
    const citation = (n: number): { decision: string | null; paragraphs: string[] } => {
      const f: Footnote | undefined = layout.footnotes.get(n);
      if (!f) return { decision: null, paragraphs: [] };
      const firstClause = f.text.split('。')[0];
      const symbol = findSymbols(firstClause).find((s) => s.kind === 'resolution' || s.kind === 'presidential_statement');
      const decision = symbol?.canonical ?? (/^同上/.test(firstClause) ? lastFootnoteDecision : null);
      if (decision) lastFootnoteDecision = decision;
      return { decision, paragraphs: parseParagraphs(firstClause) };
    };

    for (const s of sentences) {
      if (!room()) return;
      const span = (from: number, to: number) => flow.spanOf(s.start + from, s.start + to);
      const sentenceSpan = span(0, s.text.length);
      const cites = s.refs.map((n) => ({ n, ...citation(n) }));

      // Counts the section announces, checked against what the tables hold.
      const mc = /举行了\s{0,2}(\d{1,3}|[一二两三四五六七八九十]{1,3})\s{0,2}次会议/.exec(s.text);
      if (mc && !statedMeetings) statedMeetings = { count: parseCount(mc[1]) ?? -1, at: s };
      const vc = /(\d{1,3}|[一二两三四五六七八九十]{1,3})\s{0,2}次公开视频会议/.exec(s.text);
      if (vc && !statedVideoconferences) statedVideoconferences = { count: parseCount(vc[1]) ?? -1, at: s };

      // Adoptions: `6 月 29 日，安理会一致通过第 2531(2020)号决议` / `发表主席声明` (symbol in the footnote).
      const leadingDate = s.dates.find((d) => d.start < 16 && !/^[ \t]{0,2}(?:前|之前|至)/.test(s.text.slice(d.end)));
      // A decision's symbol carries its year (2531 (2020), S/PRST/2020/10): the best source for a
      // year the sentence omits; the section's year otherwise.
      const adoptionIso = (symbol: string) => (leadingDate ? isoOf(leadingDate, symbolYear(symbol) ?? year) : null);
      for (const sym of s.symbols) {
        if (sym.kind !== 'resolution') continue;
        const before = s.text.slice(Math.max(0, sym.start - 8), sym.start);
        if (!/通过(?:了)?\s{0,2}$/.test(before)) continue;
        noteAdoption(sym.canonical, leadingDate && leadingDate.start < sym.start ? adoptionIso(sym.canonical) : null, s, span(sym.start, sym.end));
      }
      if (/发表(?:了)?主席声明/.test(s.text)) {
        const prst = cites.map((c) => c.decision).find((d) => d?.startsWith('S/PRST/'));
        if (prst) noteAdoption(prst, adoptionIso(prst), s, sentenceSpan);
      }

      // Meetings the narrative names with a footnote to their record (tables may be cut off).
      const meetingMention = /(?:(\d{4})[ \t]{0,2}年[ \t]{0,2})?(\d{1,2})[ \t]{0,2}月[ \t]{0,2}(\d{1,2})[ \t]{0,2}日(?:举行的|的)?(公开视频会议|视频会议|会议)|(\d{1,2})[ \t]{0,2}月[ \t]{0,2}(\d{1,2})[ \t]{0,2}日，安理会举行(?:了)?会议/.exec(s.text);
      if (mentionIsOpen(s.text, meetingMention)) {
        const m = meetingMention!;
        const date = isoOf({ start: 0, end: 0, year: m[1] ? Number(m[1]) : null, month: Number(m[2] ?? m[5]), day: Number(m[3] ?? m[6]) }, year);
        const isVc = !!m[4] && m[4].includes('视频');
        for (const c of cites) {
          const f = layout.footnotes.get(c.n);
          const syms = f ? findSymbols(f.text.split('。')[0]) : [];
          const record = syms.length === 1 ? syms[0] : null;
          if (!record || !date) continue;
          if (isVc ? record.kind !== 'document' : record.kind !== 'verbatim_record') continue;
          const id = meetingIdOf(record.canonical);
          const known = meetings.get(id);
          if (known) {
            if (known.date !== date) warnings.add('CONFLICTING_DATES', `${record.canonical}: the table says ${known.date}, the narrative ${date}`, sentenceSpan);
            break;
          }
          addMeeting({
            kind: isVc ? 'videoconference' : 'meeting',
            meetingId: id,
            symbol: isVc ? null : record.canonical,
            record: isVc ? record.canonical : null,
            recordDate: null,
            date,
            agendaItem,
            ...(ctx.agendaItemNames ? { agendaItemNames: ctx.agendaItemNames } : {}),
            format: isVc ? 'videoconference' : /通报/.test(s.text) ? 'briefing' : 'other',
            subItem: null,
            documents: [],
            rule37: [],
            rule39: [],
            speakers: [],
            outcome: null,
            writtenProcedureRecord: null,
            source: sentenceSpan,
          });
          break;
        }
      }

      // Which decision a clause speaks for: its footnote, else the one it adopts, else the last one.
      const citedDecision = cites.find((c) => c.decision?.startsWith('S/RES/'));
      const adoptedHere = s.symbols.find((sym) => sym.kind === 'resolution' && /通过(?:了)?\s{0,2}$/.test(s.text.slice(Math.max(0, sym.start - 8), sym.start)));
      const decisionOf = (): { decision: string | null; paragraphs: string[] } => {
        if (citedDecision) {
          if (adoptedHere && adoptedHere.canonical !== citedDecision.decision) {
            warnings.add('CONFLICTING_CITATION', `the sentence adopts ${adoptedHere.canonical} but its footnote ${citedDecision.n} cites ${citedDecision.decision}`, sentenceSpan);
          }
          return { decision: citedDecision.decision, paragraphs: citedDecision.paragraphs };
        }
        return { decision: adoptedHere?.canonical ?? lastDecision, paragraphs: [] };
      };

      // Extensions: `将<mandate>的任务期限延长至 <date>` / `延长一年，至 <date>`.
      for (let at = s.text.indexOf('延长'); at >= 0 && room(); at = s.text.indexOf('延长', at + 2)) {
        const after = s.text.slice(at + 2, at + 2 + 40);
        const m = /^([^，。至]{0,10}?)[，,]?[ \t]{0,3}至[ \t]{0,3}/.exec(after);
        const until = m ? s.dates.find((d) => d.start === at + 2 + m[0].length && d.year !== null) : undefined;

        if (!until) {
          if (/^\s{0,2}(?:一|两|二|三|\d{1,2})\s{0,2}(?:年|个月)/.test(after)) {
            warnings.add('PERIOD_WITHOUT_DATE', 'an extension states a period but no end date; not read', sentenceSpan);
          }
          continue;
        }
        const untilIso = isoOf(until, null)!;
        const objectStart = Math.max(s.text.lastIndexOf('将', at), adoptedHere && adoptedHere.end < at ? adoptedHere.end : 0, 0);
        // `延长了联黎部队的任务期限，至…`: what sits between 延长 and 至 is the object unless it is a period.
        const between = m![1].trim();
        const isPeriod = PERIOD.test(between);
        const object = s.text.slice(objectStart, at) + (isPeriod ? '' : between);
        // `第 2480(2019)号决议将…延长至…` recalls the decision that did it, whatever the footnote says.
        const subject = s.symbols.find((x) => x.kind === 'resolution' && x.end <= objectStart && objectStart - x.end <= 2 && s.text[objectStart] === '将');
        let { decision, paragraphs } = decisionOf();
        if (subject && subject.canonical !== decision) {
          decision = subject.canonical;
          paragraphs = [];
        }
        const clauseSpan = span(Math.min(adoptedHere && adoptedHere.start < objectStart ? adoptedHere.start : objectStart, leadingDate && leadingDate.start < objectStart ? leadingDate.start : objectStart), until.end);
        const mandate = resolveObject(catalogue, object, scopedAgenda);
        if (!mandate) {
          warnings.add('UNRESOLVED_MANDATE', `no catalogue mandate matches "${compactZh(object).slice(0, 80)}" (extended until ${untilIso})`, clauseSpan);
          continue;
        }
        if (!decision) {
          warnings.add('UNKNOWN_DECISION', `the extension of ${mandate.id} until ${untilIso} names no decision`, clauseSpan);
          continue;
        }
        extendedBy.set(decision, mandate.id);
        others.push({
          kind: 'mandate_extended',
          mandateId: mandate.id,
          until: untilIso,
          decision,
          adoptedOn: adoptionDate(decision),
          paragraphs,
          period: isPeriod ? `延长${compactZh(between)}` : null,
          source: clauseSpan,
        });
        factCount++;
      }

      // Report requests with a deadline: `请秘书长…在 2021 年 3 月 31 日前提交`.
      const ask = s.text.indexOf('请秘书长');
      if (ask >= 0) {
        const due = s.dates.find((d) => d.start > ask && d.year !== null && /^[ \t]{0,2}(?:之)?前/.test(s.text.slice(d.end)));
        if (due) {
          const { decision, paragraphs } = decisionOf();
          const dueOn = isoOf(due, null)!;
          const description = compactZh(s.text.slice(ask).replace(/[。；]$/, ''));
          const requestSpan = span(ask, s.text.length);
          const named = catalogue.findMentions(s.text.slice(ask))[0]?.entry;
          const mandate = named ?? resolveRoleIn(catalogue, s.text.slice(ask), scopedAgenda) ?? (decision ? catalogue.get(extendedBy.get(decision) ?? '') : undefined) ?? null;
          if (!decision) {
            warnings.add('UNKNOWN_DECISION', `a report due ${dueOn} names no decision`, requestSpan);
          } else {
            others.push({
              kind: 'report_request',
              mandateId: mandate?.id ?? null,
              dueOn,
              decision,
              description: description.slice(0, 1000),
              paragraphs,
              agendaItem: scopedAgenda,
              source: requestSpan,
            });
            factCount++;
          }
        }
      }

      if (adoptedHere) lastDecision = adoptedHere.canonical;
      else if (citedDecision?.decision) lastDecision = citedDecision.decision;
    }

    // Decisions the narrative reports but no table row carries.
    for (const [symbol, date] of adopted) {
      if (decisions.has(symbol)) continue;
      if (!date) {
        warnings.add('DECISION_DATE_UNSTATED', `${symbol}: the excerpt says it was adopted but not when; no decision fact (its extensions keep adoptedOn null)`, adoptionSpans.get(symbol));
        continue;
      }
      const s = adoptionSentences.get(symbol)!;
      decisions.set(symbol, {
        kind: 'decision',
        decisionKind: symbol.startsWith('S/PRST/') ? 'presidential_statement' : 'resolution',
        symbol,
        adoptedOn: date,
        vote: null,
        chapterVII: /第七章/.test(s.text),
        meeting: null,
        agendaItem: scopedAgenda,
        writtenProcedureRecord: null,
        source: adoptionSpans.get(symbol)!,
      });
      factCount++;
    }

    // The section's announced counts against what was found (tables cut off by the excerpt).
    const countOf = (kind: 'meeting' | 'videoconference') =>
      [...meetings.values()].filter((m) => m.kind === kind && m.agendaItem === agendaItem && m.source.start >= ctx.section.start && m.source.end <= ctx.section.end).length;
    if (statedMeetings && statedMeetings.count > countOf('meeting')) {
      warnings.add('SECTION_INCOMPLETE', `the section states ${statedMeetings.count} meetings; ${countOf('meeting')} found in the excerpt`, flow.spanOf(statedMeetings.at.start, statedMeetings.at.end));
    }
    if (statedVideoconferences && statedVideoconferences.count > countOf('videoconference')) {
      warnings.add('SECTION_INCOMPLETE', `the section states ${statedVideoconferences.count} open videoconferences; ${countOf('videoconference')} found in the excerpt`, flow.spanOf(statedVideoconferences.at.start, statedVideoconferences.at.end));
    }

    function noteAdoption(symbol: string, date: string | null, s: Sentence, source: SourceSpan) {
      if (!adopted.has(symbol) || (adopted.get(symbol) === null && date)) {
        adopted.set(symbol, date);
        adoptionSentences.set(symbol, s);
        adoptionSpans.set(symbol, source);
      }
      const known = decisions.get(symbol);
      if (known && date && known.adoptedOn !== date) {
        warnings.add('CONFLICTING_DATES', `${symbol}: the table says ${known.adoptedOn}, the narrative ${date}`, source);
      }
    }

    function adoptionDate(symbol: string): string | null {
      return decisions.get(symbol)?.adoptedOn ?? adopted.get(symbol) ?? null;
    }
  }
}

/** A date followed by 会议 is a mention of a meeting unless it was closed (非公开). */
function mentionIsOpen(text: string, m: RegExpExecArray | null): boolean {
  if (!m) return false;
  return !text.slice(m.index, m.index + m[0].length).includes('非公开');
}

/**
 * The mandate an extension's object names: a catalogue name (马里稳定团), else sanctions
 * measures by the resolution that imposed them (第 2374(2017)号决议实施的资产冻结和旅行禁令),
 * else a generic word within the agenda item (专家小组 in the Mali section).
 */
function resolveObject(catalogue: MandateCatalogue, object: string, agendaItem: string | null): CatalogueEntry | null {
  const named = catalogue.findMentions(object)[0]?.entry;
  if (named) return named;
  const imposedBy = findSymbols(object).find((s) => s.kind === 'resolution');
  if (imposedBy && /资产冻结|旅行禁令|武器禁运|制裁/.test(object)) {
    const bySymbol = catalogue.byEstablishingDecision(imposedBy.canonical, 'sanctions_measures');
    if (bySymbol) return bySymbol;
  }
  return resolveRoleIn(catalogue, object, agendaItem);
}

/** A period phrase between 延长 and 至: `一年`, `12 个月`, `六个月`, `为期一年`. */
const PERIOD = /^(?:了)?(?:为期)?\s{0,2}(?:\d{1,2}|[一二两三四五六七八九十]{1,3})\s{0,2}(?:个月|年)$/;

function resolveRoleIn(catalogue: MandateCatalogue, text: string, agendaItem: string | null): CatalogueEntry | null {
  return agendaItem ? catalogue.roleIn(text, agendaItem) : null;
}

function symbolYear(symbol: string): number | null {
  const m = /\((\d{4})\)$/.exec(symbol) ?? /^S\/PRST\/(\d{4})\//.exec(symbol);
  return m ? Number(m[1]) : null;
}

function tableYears(section: Section): number[] {
  const years: number[] = [];
  for (const row of [...section.videoconferenceRows, ...section.meetingRows]) {
    const m = /(\d{4})[ \t]{0,4}年/.exec(row.slice(0, 3).map((l) => l.text).join(' ').slice(0, 400));
    if (m) years.push(Number(m[1]));
  }
  return years;
}

function mostCommonYear(years: number[]): number | null {
  const counts = new Map<number, number>();
  for (const y of years) counts.set(y, (counts.get(y) ?? 0) + 1);
  let best: number | null = null;
  for (const [y, c] of counts) if (best === null || c > counts.get(best)! || (c === counts.get(best)! && y > best)) best = y;
  return best;
}

/** Stable short hash for an agenda item the catalogue does not know (its Chinese title). */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
