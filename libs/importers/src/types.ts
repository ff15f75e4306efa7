import type {
  DecisionAdopted,
  MandateEstablished,
  MandateExtended,
  MandateTerminated,
  MeetingHeld,
  ReportRequested,
} from '#libs/domain';

/** Where a fact was read: UTF-16 code-unit offsets into the document text, and the quoted text. */
export interface SourceSpan {
  start: number;
  end: number;
  quote: string;
}

/**
 * A fact read from a document: the data of the event it becomes (see libs/domain events.ts,
 * already in canonical form: canonical symbols, ISO dates, slugs) plus its kind and source span.
 */
export type ImportedFact =
  | ({ kind: 'meeting' } & MeetingHeld & { source: SourceSpan })
  | ({ kind: 'videoconference' } & MeetingHeld & { source: SourceSpan })
  // DecisionAdopted has its own `kind` (resolution, presidential_statement...), which would clash
  // with the fact kind: the fact carries it as `decisionKind` (toEvents maps it back).
  | ({ kind: 'decision'; decisionKind: DecisionAdopted['kind'] } & Omit<DecisionAdopted, 'kind'> & { source: SourceSpan })
  | ({ kind: 'mandate_established' } & MandateEstablished & { source: SourceSpan })
  | ({ kind: 'mandate_extended' } & MandateExtended & { source: SourceSpan })
  | ({ kind: 'mandate_terminated' } & MandateTerminated & { source: SourceSpan })
  | ({ kind: 'report_request' } & ReportRequested & { source: SourceSpan });

export type FactKind = ImportedFact['kind'];

export interface ImportWarning {
  /** Machine code, e.g. UNKNOWN_AGENDA_ITEM, UNRESOLVED_MANDATE, AMBIGUOUS_DATE. */
  code: string;
  message: string;
  source?: SourceSpan;
}

export type DocumentFormat = 'repertoire' | 'press-release' | 'csv';

export interface ParseResult {
  format: DocumentFormat;
  /** Language of the document text, when known. */
  language?: 'zh' | 'en' | 'fr';
  facts: ImportedFact[];
  warnings: ImportWarning[];
}
