import { parse } from 'csv-parse/sync';
import { MANDATE_TYPES, isSlug, normalizeSymbol, parseIsoDate, type MandateType } from '#libs/domain';
import type { CatalogueEntry } from './types.js';

export const CATALOGUE_CSV_COLUMNS = [
  'id', 'acronym', 'type', 'agenda_item', 'name_en', 'name_zh', 'name_fr', 'aliases',
  'established_on', 'established_by', 'expires_on',
] as const;

export interface CatalogueCsvError {
  /** 1-based line of the CSV row (the header is line 1); 0 for file-level errors. */
  row: number;
  column?: string;
  message: string;
}

export interface CatalogueCsvResult {
  entries: CatalogueEntry[];
  errors: CatalogueCsvError[];
}

/**
 * Reads a user's catalogue extension. Rows with errors are reported and skipped; valid rows are
 * kept, so one bad line does not throw away a whole sheet.
 */
export function parseCatalogueCsv(csvText: string, options: { source?: string } = {}): CatalogueCsvResult {
  const errors: CatalogueCsvError[] = [];
  let records: string[][];
  try {
    records = parse(csvText.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    return { entries: [], errors: [{ row: err.lines ?? 0, message: `not a readable CSV: ${err.message ?? String(e)}` }] };
  }
  if (records.length === 0) return { entries: [], errors: [{ row: 0, message: 'empty CSV' }] };
  const header = records[0].map((h) => h.toLowerCase());
  const missing = CATALOGUE_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return { entries: [], errors: [{ row: 1, message: `missing columns: ${missing.join(', ')}` }] };
  const col = (row: string[], name: (typeof CATALOGUE_CSV_COLUMNS)[number]) => (row[header.indexOf(name)] ?? '').trim();

  const entries: CatalogueEntry[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((row, i) => {
    const line = i + 2;
    const rowErrors: CatalogueCsvError[] = [];
    const bad = (column: string, message: string) => rowErrors.push({ row: line, column, message });

    const id = col(row, 'id');
    if (!isSlug(id)) bad('id', `"${id}" is not a lowercase slug (a-z, 0-9, single dashes)`);
    else if (seen.has(id)) bad('id', `duplicate id "${id}"`);
    const type = col(row, 'type');
    if (!(MANDATE_TYPES as readonly string[]).includes(type)) bad('type', `"${type}" is not one of ${MANDATE_TYPES.join(', ')}`);
    const agendaItem = col(row, 'agenda_item') || null;
    if (agendaItem && !isSlug(agendaItem)) bad('agenda_item', `"${agendaItem}" is not a slug`);
    const nameEn = col(row, 'name_en');
    if (!nameEn) bad('name_en', 'an English name is required');
    const date = (column: 'established_on' | 'expires_on') => {
      const v = col(row, column);
      if (!v) return null;
      if (!parseIsoDate(v)) bad(column, `"${v}" is not a date YYYY-MM-DD`);
      return v;
    };
    const establishedOn = date('established_on');
    const expiresOn = date('expires_on');
    const byRaw = col(row, 'established_by');
    const establishedBy = byRaw ? normalizeSymbol(byRaw) : null;
    if (byRaw && !establishedBy) bad('established_by', `"${byRaw}" is not a UN document symbol`);

    if (rowErrors.length) {
      errors.push(...rowErrors);
      return;
    }
    seen.add(id);
    entries.push({
      id,
      acronym: col(row, 'acronym') || null,
      type: type as MandateType,
      agendaItem,
      names: { en: nameEn, zh: col(row, 'name_zh') || null, fr: col(row, 'name_fr') || null },
      aliases: col(row, 'aliases').split('|').map((a) => a.trim()).filter(Boolean),
      establishedBy,
      establishedOn,
      expiresOn,
      sources: [options.source ?? 'user catalogue CSV'],
    });
  });
  return { entries, errors };
}

/**
 * The base catalogue extended by a user's entries: an entry with a known id replaces the base
 * one field by field (empty fields keep the base value, aliases are united); new ids are appended.
 */
export function mergeCatalogue(base: readonly CatalogueEntry[], extra: readonly CatalogueEntry[]): CatalogueEntry[] {
  const merged = new Map(base.map((e) => [e.id, e] as const));
  for (const e of extra) {
    const old = merged.get(e.id);
    if (!old) {
      merged.set(e.id, e);
      continue;
    }
    merged.set(e.id, {
      id: e.id,
      acronym: e.acronym ?? old.acronym,
      type: e.type,
      agendaItem: e.agendaItem ?? old.agendaItem,
      names: { en: e.names.en || old.names.en, zh: e.names.zh ?? old.names.zh, fr: e.names.fr ?? old.names.fr },
      aliases: [...new Set([...old.aliases, ...e.aliases])],
      establishedBy: e.establishedBy ?? old.establishedBy,
      establishedOn: e.establishedOn ?? old.establishedOn,
      expiresOn: e.expiresOn ?? old.expiresOn,
      sources: [...new Set([...old.sources, ...e.sources])],
    });
  }
  return [...merged.values()];
}
