import type { MandateType } from '#libs/domain';
import { nameKey, type CatalogueEntry, type MandateCatalogue } from '../catalogue/index.js';

/**
 * Where an English text names a mandate: catalogue names, acronyms and aliases (found by the
 * catalogue itself), plus the generic words documents use once the subject is clear — "the Panel
 * of Experts" in a press release about Mali is the Mali panel, "the measures" are its sanctions.
 * Generic words resolve only when the agenda item has exactly one mandate of that kind.
 */
export interface MandateMention {
  entry: CatalogueEntry;
  start: number;
  end: number;
}

interface RoleWord {
  types: MandateType[];
  pattern: RegExp;
}

const ROLE_WORDS: RoleWord[] = [
  { types: ['panel_of_experts'], pattern: /\b(?:panel|group)\s+of\s+experts\b|\bexpert\s+panel\b|\bthe\s+panel\b/gi },
  {
    types: ['sanctions_measures'],
    pattern: /\bassets?\s+freeze\s+and\s+(?:a\s+)?travel\s+ban\b|\btravel\s+ban\s+and\s+(?:an\s+)?assets?\s+freeze\b|\bsanctions(?:\s+measures|\s+regime)?\b(?!\s+committee)|\bthe\s+measures\b/gi,
  },
  {
    types: ['peace_operation', 'special_political_mission'],
    pattern: /\bthe\s+mission\b|\bintegrated\s+office\b|\bpolitical\s+mission\b|\bpeacekeeping\s+force\b|\bthe\s+force\b/gi,
  },
  { types: ['authorization'], pattern: /\bauthori[sz]ations?\b|\binspect(?:ions?)?\s+(?:of\s+)?vessels\b/gi },
];

/**
 * Phrases that tell mandates of one kind and agenda item apart: the place in the name ("South
 * Sudan sanctions measures" vs "Sudan sanctions measures") and the words in the name's
 * parentheses ("(arms embargo)" vs "(migrant smuggling and human trafficking)").
 */
function distinguishingPhrases(entry: CatalogueEntry): string[] {
  const name = entry.names.en.toLowerCase();
  const parenthesis = /\(([^)]*)\)\s*$/.exec(name);
  const inParentheses = parenthesis ? parenthesis[1].split(/\s+and\s+|,\s*/).map((w) => w.trim()).filter((w) => w && !/^resolution\b/.test(w)) : [];
  const place = name
    .replace(/\([^)]*\)/g, ' ')
    .replace(/^\s*(?:panel|group)\s+of\s+experts\s+(?:on|established\s+pursuant\s+to)\s+(?:the\s+)?/, '')
    .replace(/\s+sanctions(?:\s+measures)?\s*$/, '')
    .trim();
  return [...(place && place !== name.trim() ? [place] : []), ...inParentheses];
}

/**
 * One regular expression for every Latin-script spelling of a catalogue (names, acronyms,
 * aliases), longest first, with word boundaries on the original text: English running text
 * needs the spaces that the catalogue's comparison key folds away ("…South Sudan (UNMISS)").
 * Inner spaces match any run of white space (PDF line breaks), apostrophes either form.
 */
interface SpellingIndex {
  pattern: RegExp;
  byKey: Map<string, CatalogueEntry | null>;
}

const spellingIndexes = new WeakMap<MandateCatalogue, SpellingIndex>();

/** The catalogue's comparison key, ignoring articles that headlines drop. */
function looseKey(text: string): string {
  return nameKey(text.replace(/\bthe\b/gi, ' '));
}

function escapeSpelling(spelling: string): string {
  const words = spelling.trim().split(/\s+/);
  return words
    .map((word, i) => {
      const last = i === words.length - 1;
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]").replace(/[-‐‑–]/g, '[-‐‑–]\\s*'); // "Union-\nUnited" in PDF text
      // Headlines drop articles ("Mission in Democratic Republic of Congo").
      if (!last && i > 0 && /^the$/i.test(word)) return '(?:the\\s+)?';
      return last ? escaped : `${escaped}\\s+`;
    })
    .join('');
}

function spellingIndex(catalogue: MandateCatalogue): SpellingIndex {
  let index = spellingIndexes.get(catalogue);
  if (index) return index;
  const byKey = new Map<string, CatalogueEntry | null>();
  const sources: string[] = [];
  for (const s of catalogue.spellings) {
    if (!/^[\x20-\x7e\u00a0-\u024f‐‑–’]+$/.test(s.text) || s.key.length < 3) continue;
    const key = looseKey(s.text);
    const prev = byKey.get(key);
    // A spelling shared by two entries names neither.
    byKey.set(key, prev === undefined || prev === s.entry ? s.entry : null);
    if (prev === undefined) sources.push(escapeSpelling(s.text));
  }
  sources.sort((a, b) => b.length - a.length);
  const pattern = new RegExp(sources.length ? `(?<![\\w-])(?:${sources.join('|')})(?![\\w-])` : '(?!)', 'gi');
  index = { pattern, byKey };
  spellingIndexes.set(catalogue, index);
  return index;
}

export class MentionFinder {
  private readonly index: SpellingIndex;

  constructor(
    private readonly catalogue: MandateCatalogue,
    /** Text around the document's subject (title, lead) used to tell similar mandates apart. */
    private readonly subjectText: string,
  ) {
    this.index = spellingIndex(catalogue);
  }

  /** Catalogue spellings in text[start, end), offsets relative to `text`. */
  private named(text: string, start: number, end: number): MandateMention[] {
    const out: MandateMention[] = [];
    const slice = text.slice(start, end);
    const { pattern, byKey } = this.index;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(slice); m; m = pattern.exec(slice)) {
      const entry = byKey.get(looseKey(m[0]));
      if (entry) out.push({ entry, start: start + m.index, end: start + m.index + m[0].length });
    }
    return out;
  }

  /** Mentions in `text.slice(start, end)`, offsets relative to `text`, sorted by position. */
  find(text: string, start: number, end: number, agendaItem: string | null): MandateMention[] {
    const slice = text.slice(start, end);
    const out: MandateMention[] = this.named(text, start, end);
    if (agendaItem) {
      for (const role of ROLE_WORDS) {
        role.pattern.lastIndex = 0;
        for (let m = role.pattern.exec(slice); m; m = role.pattern.exec(slice)) {
          const s = start + m.index;
          const e = s + m[0].length;
          if (out.some((o) => o.start < e && s < o.end)) continue;
          const entry = this.roleEntry(role.types, agendaItem, slice);
          if (entry) out.push({ entry, start: s, end: e });
        }
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }

  private roleEntry(types: MandateType[], agendaItem: string, sentence: string): CatalogueEntry | null {
    const local = this.catalogue.entries.filter((e) => types.includes(e.type) && e.agendaItem === agendaItem);
    if (local.length <= 1) return local[0] ?? null;
    // Several of the kind under one item: the one whose distinguishing phrase the sentence (else
    // the document's subject) names, the longest phrase winning ("south sudan" over "sudan").
    for (const context of [sentence.toLowerCase(), this.subjectText.toLowerCase()]) {
      const scored = local
        .map((e) => ({ e, score: Math.max(0, ...distinguishingPhrases(e).filter((p) => context.includes(p)).map((p) => p.length)) }))
        .filter((x) => x.score > 0)
        .sort((a, b) => b.score - a.score);
      if (scored.length && (scored.length === 1 || scored[0].score > scored[1].score)) return scored[0].e;
    }
    return null;
  }
}

/**
 * Places named in titles and leads, mapped to the agenda item under which the Council treats
 * them. Needed where the item's title does not name the country (Yemen is discussed under "The
 * situation in the Middle East", the DPRK under "Non-proliferation/...").
 */
const PLACE_AGENDA: Array<[RegExp, string]> = [
  [/\bDemocratic People['’]s Republic of Korea\b|\bDPRK\b/, 'non-proliferation-democratic-peoples-republic-of-korea'],
  [/\bDemocratic Republic of (?:the )?Congo\b|\bDRC\b/, 'situation-concerning-the-democratic-republic-of-the-congo'],
  [/\bCentral African Republic\b/, 'situation-in-the-central-african-republic'],
  [/\bSouth Sudan\b|\bSudan\b|\bDarfur\b|\bAbyei\b/, 'reports-of-the-secretary-general-on-the-sudan-and-south-sudan'],
  [/\bMali\b|\bMalian\b/, 'situation-in-mali'],
  [/\bHaiti\b|\bHaitian\b/, 'question-concerning-haiti'],
  [/\bYemen\b|\bLebanon\b|\bGolan\b|\bSyria/, 'situation-in-the-middle-east'],
  [/\bLibya\b|\bLibyan\b/, 'situation-in-libya'],
  [/\bSomalia\b|\bSomali\b/, 'situation-in-somalia'],
  [/\bCyprus\b|\bCypriot\b/, 'situation-in-cyprus'],
  [/\bAfghanistan\b/, 'situation-in-afghanistan'],
  [/\bIraq\b/, 'situation-concerning-iraq'],
  [/\bWestern Sahara\b/, 'situation-concerning-western-sahara'],
  [/\bBosnia and Herzegovina\b/, 'situation-in-bosnia-and-herzegovina'],
  [/\bKosovo\b/, 'security-council-resolutions-1160-1998-1199-1998-1203-1998-1239-1999-and-1244-1999'],
  [/\bColombia\b/, 'identical-letters-dated-19-january-2016-from-the-permanent-representative-of-colombia'],
];

/**
 * The agenda item a passage is about: the first catalogue mandate it names with an agenda item,
 * else the earliest place name it mentions. Null when neither is found.
 */
export function agendaItemOf(passage: string, catalogue: MandateCatalogue): string | null {
  const named = new MentionFinder(catalogue, passage).find(passage, 0, passage.length, null).find((m) => m.entry.agendaItem);
  if (named) return named.entry.agendaItem;
  let best: { index: number; item: string } | null = null;
  for (const [pattern, item] of PLACE_AGENDA) {
    const m = pattern.exec(passage);
    if (m && (!best || m.index < best.index)) best = { index: m.index, item };
  }
  return best?.item ?? null;
}
