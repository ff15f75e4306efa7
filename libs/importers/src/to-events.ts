import { factEvent, parseEventData, type EventType, type FactEvent } from '#libs/domain';
import type { ImportWarning, ImportedFact, ParseResult, SourceSpan } from './types.js';

type FactEventType = Exclude<EventType, 'FactCorrected'>;

const EVENT_TYPE_OF_KIND: Record<ImportedFact['kind'], FactEventType> = {
  meeting: 'MeetingHeld',
  videoconference: 'MeetingHeld',
  decision: 'DecisionAdopted',
  mandate_established: 'MandateEstablished',
  mandate_extended: 'MandateExtended',
  mandate_terminated: 'MandateTerminated',
  report_request: 'ReportRequested',
};

/** Event data of a fact: the fact minus its kind and source (a meeting keeps its own `kind`). */
function eventDataOf(fact: ImportedFact): Record<string, unknown> {
  const { source: _source, ...rest } = fact as ImportedFact & Record<string, unknown>;
  const data: Record<string, unknown> = { ...rest };
  switch (fact.kind) {
    case 'meeting':
    case 'videoconference':
      return data; // MeetingHeld.kind is meeting | videoconference: the same word
    case 'decision': {
      const { decisionKind, kind: _k, ...d } = data;
      return { ...d, kind: decisionKind };
    }
    default: {
      const { kind: _k, ...d } = data;
      return d;
    }
  }
}

/**
 * Turns parsed facts into domain events (validated and normalised by the domain's zod schemas,
 * ids from the facts' natural keys). A fact that fails validation is reported as an
 * `INVALID_FACT` warning in `warnings` (by default the result's own list) instead of throwing:
 * one bad row must not lose the rest of a document. The same fact stated twice in a document
 * becomes one event; two different statements of it become one event and a `CONFLICTING_FACT`.
 */
export function toEvents(result: ParseResult, warnings: ImportWarning[] = result.warnings): FactEvent[] {
  return toSourcedEvents(result, warnings).map((s) => s.event);
}

/** A fact's event together with the span of the document that stated it (for provenance). */
export interface SourcedEvent {
  event: FactEvent;
  source: SourceSpan;
  factKind: ImportedFact['kind'];
}

/** Like toEvents, keeping each event's source span (the first statement of it). */
export function toSourcedEvents(result: ParseResult, warnings: ImportWarning[] = result.warnings): SourcedEvent[] {
  const events = new Map<string, SourcedEvent>();
  for (const fact of result.facts) {
    const type = EVENT_TYPE_OF_KIND[fact.kind];
    if (!type) {
      warnings.push({ code: 'INVALID_FACT', message: `unknown fact kind "${String((fact as { kind: unknown }).kind)}"`, source: fact.source });
      continue;
    }
    const parsed = parseEventData(type, eventDataOf(fact));
    if (!parsed.ok) {
      warnings.push({
        code: 'INVALID_FACT',
        message: `${fact.kind} fact rejected: ${parsed.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
        source: fact.source,
      });
      continue;
    }
    const event = factEvent(type, parsed.data as never) as FactEvent;
    const previous = events.get(event.id);
    if (previous) {
      if (JSON.stringify(previous.event.data) !== JSON.stringify(event.data)) {
        warnings.push({ code: 'CONFLICTING_FACT', message: `two different statements of the same ${type} (${event.streamId}); the first is kept`, source: fact.source });
      }
      continue;
    }
    events.set(event.id, { event, source: fact.source, factKind: fact.kind });
  }
  return [...events.values()];
}
