import type { ImportedFact } from '../types.js';
import { BASE_CATALOGUE } from './mandates.js';
import type { CatalogueEntry } from './types.js';

/**
 * `mandate_established` facts for catalogue entries, so a fresh installation knows every
 * mandate's identity before any document is imported. The source span quotes the catalogue
 * record (there is no document text): offsets index into that quote.
 */
export function catalogueFacts(entries: readonly CatalogueEntry[] = BASE_CATALOGUE): Array<Extract<ImportedFact, { kind: 'mandate_established' }>> {
  return entries.map((e) => {
    const quote = `catalogue:${e.id}`;
    return {
      kind: 'mandate_established' as const,
      mandateId: e.id,
      acronym: e.acronym,
      names: {
        en: e.names.en,
        ...(e.names.zh ? { zh: e.names.zh } : {}),
        ...(e.names.fr ? { fr: e.names.fr } : {}),
      },
      aliases: e.aliases.slice(0, 50),
      type: e.type,
      agendaItem: e.agendaItem,
      establishedOn: e.establishedOn,
      expiresOn: e.expiresOn,
      establishedBy: e.establishedBy,
      source: { start: 0, end: quote.length, quote },
    };
  });
}
