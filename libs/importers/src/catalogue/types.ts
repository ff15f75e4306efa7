import type { MandateType } from '#libs/domain';

export interface TrilingualNames {
  en: string;
  zh: string | null;
  fr: string | null;
}

/** A Council agenda item, keyed by the slug of its English title without the leading "The". */
export interface AgendaItemEntry {
  id: string;
  names: TrilingualNames;
}

/**
 * One mandate the Council authorises until a date. The catalogue only holds identity (names,
 * aliases, agenda item, establishing decision): expiries move with every extension and are
 * tracked as events, so `expiresOn` stays null unless a user's CSV supplies one.
 */
export interface CatalogueEntry {
  id: string;
  acronym: string | null;
  type: MandateType;
  agendaItem: string | null;
  names: TrilingualNames;
  /** Other spellings and short names in any language (e.g. 马里稳定团, FINUL). */
  aliases: string[];
  establishedBy: string | null;
  establishedOn: string | null;
  expiresOn: string | null;
  /** Where the names and dates come from (resolution symbols, the seed document, ...). */
  sources: string[];
}
