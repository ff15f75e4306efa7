import type { MandateType } from '#libs/domain';
import { AGENDA_ITEMS } from './agenda-items.js';
import { BASE_CATALOGUE } from './mandates.js';
import type { AgendaItemEntry, CatalogueEntry } from './types.js';

/**
 * Comparison key for names: NFKC folds full-width letters, digits and brackets to ASCII, then
 * case, spaces and light punctuation are dropped, so `ＭＩＮＵＳＭＡ`, `minusma` and
 * `马里 稳定团` all compare equal to their catalogue spelling.
 */
export function nameKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u3000·・\-‐‑–—'’"“”.,，、()（）]/g, '');
}

/**
 * Generic words a document uses for a mandate once its agenda item is known: 专家小组 in the
 * Mali section is the Mali panel, 稳定团 is MINUSMA. They resolve only with an agenda item and
 * only when that item has exactly one mandate of the type.
 */
const ROLE_WORDS: ReadonlyArray<{ type: MandateType; words: string[] }> = [
  { type: 'panel_of_experts', words: ['专家小组', '专家组', 'panel of experts', 'group of experts', "groupe d'experts"] },
  { type: 'sanctions_measures', words: ['资产冻结和旅行禁令', '旅行禁令和资产冻结', '资产冻结', '旅行禁令', '制裁措施', '武器禁运', 'sanctions measures', 'travel ban and asset freeze', 'asset freeze and travel ban'] },
  { type: 'peace_operation', words: ['稳定团', '特派团', '维持和平部队', '维持和平行动', 'the mission', 'la mission'] },
  { type: 'special_political_mission', words: ['综合办', '办事处', '援助团', '支助团'] },
];

export interface ResolveOptions {
  /** Prefer names in this language (acronyms and aliases always match). */
  language?: 'en' | 'zh' | 'fr';
  /** Agenda item of the surrounding text: enables generic words (专家小组, the Mission). */
  agendaItem?: string | null;
  /** Catalogue to search; defaults to the base catalogue. */
  catalogue?: readonly CatalogueEntry[];
}

export class MandateCatalogue {
  private readonly byKey = new Map<string, CatalogueEntry[]>();
  private readonly byLanguageKey = new Map<string, CatalogueEntry[]>();
  /** Every searchable spelling, longest first, for scanning running text. */
  readonly spellings: ReadonlyArray<{ text: string; key: string; entry: CatalogueEntry }>;

  constructor(readonly entries: readonly CatalogueEntry[]) {
    const spellings: Array<{ text: string; key: string; entry: CatalogueEntry }> = [];
    for (const e of entries) {
      const common = [e.id, ...(e.acronym ? [e.acronym] : []), ...e.aliases];
      for (const s of common) this.index(this.byKey, s, e, spellings);
      for (const lang of ['en', 'zh', 'fr'] as const) {
        const name = e.names[lang];
        if (!name) continue;
        this.index(this.byKey, name, e, spellings);
        const langKey = `${lang}:${nameKey(name)}`;
        this.byLanguageKey.set(langKey, [...(this.byLanguageKey.get(langKey) ?? []), e]);
      }
    }
    this.spellings = spellings.sort((a, b) => b.key.length - a.key.length);
  }

  private index(map: Map<string, CatalogueEntry[]>, text: string, e: CatalogueEntry, spellings?: Array<{ text: string; key: string; entry: CatalogueEntry }>) {
    const key = nameKey(text);
    if (!key) return;
    const list = map.get(key) ?? [];
    if (!list.includes(e)) list.push(e);
    map.set(key, list);
    spellings?.push({ text, key, entry: e });
  }

  get(id: string): CatalogueEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** Entry named exactly by `text` (acronym, id, any name or alias), or null when none or ambiguous. */
  resolve(text: string, options: ResolveOptions = {}): CatalogueEntry | null {
    const key = nameKey(text);
    if (!key) return null;
    if (options.language) {
      const hit = this.byLanguageKey.get(`${options.language}:${key}`);
      if (hit?.length === 1) return hit[0];
    }
    const hits = this.byKey.get(key) ?? [];
    if (hits.length === 1) return hits[0];
    if (hits.length > 1 && options.agendaItem) {
      const local = hits.filter((e) => e.agendaItem === options.agendaItem);
      if (local.length === 1) return local[0];
    }
    if (hits.length === 0 && options.agendaItem) return this.resolveRole(text, options.agendaItem);
    return null;
  }

  /** A generic word (专家小组, the Mission) within an agenda item, when exactly one entry fits. */
  resolveRole(text: string, agendaItem: string, type?: MandateType): CatalogueEntry | null {
    const key = nameKey(text);
    const role = ROLE_WORDS.find((r) => (!type || r.type === type) && r.words.some((w) => nameKey(w) === key));
    if (!role) return null;
    return this.uniqueOfType(role.type, agendaItem);
  }

  /**
   * The mandate a phrase refers to by a generic word it contains (`将专家小组的任务期限`), within
   * an agenda item. Types are tried in a fixed order: panel before sanctions before missions.
   */
  roleIn(text: string, agendaItem: string): CatalogueEntry | null {
    const key = nameKey(text);
    for (const role of ROLE_WORDS) {
      if (role.words.some((w) => key.includes(nameKey(w)))) return this.uniqueOfType(role.type, agendaItem);
    }
    return null;
  }

  uniqueOfType(type: MandateType, agendaItem: string): CatalogueEntry | null {
    const local = this.entries.filter((e) => e.type === type && e.agendaItem === agendaItem);
    return local.length === 1 ? local[0] : null;
  }

  /** Sanctions measures or panel established by a given decision (e.g. 2374 (2017) → Mali). */
  byEstablishingDecision(symbol: string, type?: MandateType): CatalogueEntry | null {
    const hits = this.entries.filter((e) => e.establishedBy === symbol && (!type || e.type === type));
    return hits.length === 1 ? hits[0] : null;
  }

  /**
   * Mandate names occurring in running text, longest spelling first, non-overlapping, with their
   * offsets in `text`. Linear in text length per spelling; the catalogue is small.
   */
  findMentions(text: string): Array<{ entry: CatalogueEntry; start: number; end: number }> {
    const { folded, offsets } = foldForSearch(text);
    const taken = new Uint8Array(folded.length);
    const out: Array<{ entry: CatalogueEntry; start: number; end: number }> = [];
    for (const s of this.spellings) {
      // Short Latin keys (UNMHA...) must be whole words; CJK keys have no word boundaries.
      const latin = /^[a-z0-9]+$/.test(s.key);
      if (latin && s.key.length < 4 && s.entry.acronym === null) continue;
      for (let i = folded.indexOf(s.key); i >= 0; i = folded.indexOf(s.key, i + 1)) {
        const j = i + s.key.length;
        if (latin && ((i > 0 && /[a-z0-9]/.test(folded[i - 1])) || (j < folded.length && /[a-z0-9]/.test(folded[j])))) continue;
        let free = true;
        for (let k = i; k < j; k++) if (taken[k]) { free = false; break; }
        if (!free) continue;
        taken.fill(1, i, j);
        out.push({ entry: s.entry, start: offsets[i], end: offsets[j - 1] + 1 });
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }
}

/** `nameKey` applied to running text, keeping where each kept character came from. */
function foldForSearch(text: string): { folded: string; offsets: number[] } {
  let folded = '';
  const offsets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const k = nameKey(text[i]);
    for (const c of k) {
      folded += c;
      offsets.push(i);
    }
  }
  return { folded, offsets };
}

let defaultCatalogue: MandateCatalogue | null = null;

export function baseCatalogue(): MandateCatalogue {
  defaultCatalogue ??= new MandateCatalogue(BASE_CATALOGUE);
  return defaultCatalogue;
}

const catalogueCache = new WeakMap<readonly CatalogueEntry[], MandateCatalogue>();

function catalogueFor(entries?: readonly CatalogueEntry[]): MandateCatalogue {
  if (!entries || entries === BASE_CATALOGUE) return baseCatalogue();
  let c = catalogueCache.get(entries);
  if (!c) catalogueCache.set(entries, (c = new MandateCatalogue(entries)));
  return c;
}

/** Finds a mandate by acronym, id, any name or alias (case/space-insensitive, full-width safe). */
export function resolveMandate(text: string, options: ResolveOptions = {}): CatalogueEntry | null {
  return catalogueFor(options.catalogue).resolve(text, options);
}

export function mandateCatalogue(entries?: readonly CatalogueEntry[]): MandateCatalogue {
  return catalogueFor(entries);
}

/** Agenda item by slug or by any of its titles (e.g. 马里局势 → situation-in-mali). */
export function resolveAgendaItem(text: string, items: readonly AgendaItemEntry[] = AGENDA_ITEMS): AgendaItemEntry | null {
  const key = nameKey(text);
  if (!key) return null;
  return (
    items.find((a) => nameKey(a.id) === key || [a.names.en, a.names.zh, a.names.fr].some((n) => n && nameKey(n) === key)) ??
    // Titles are quoted without the article in running text ("situation in Mali").
    items.find((a) => nameKey(a.names.en.replace(/^the\s+/i, '')) === key) ??
    null
  );
}
