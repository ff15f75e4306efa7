import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { contradictingFields, effectiveDateOf, todayOf, type Clock, type EventType } from '#libs/domain';
import type { EventStore, StreamAppend } from '#libs/event-store';
import {
  BASE_CATALOGUE,
  catalogueFacts,
  parseDocument,
  toEvents,
  toSourcedEvents,
  type CatalogueEntry,
  type ImportedFact,
  type ImportWarning,
  type SourceSpan,
  type SourcedEvent,
} from '#libs/importers';

export type ImportFormat = 'auto' | 'repertoire' | 'press-release' | 'pdf' | 'csv';

export interface ImportRequest {
  body: string | Uint8Array;
  contentType?: string;
  format?: ImportFormat;
  dryRun: boolean;
  /** Key id of whoever imports (every event's metadata.actor). */
  actor: string;
  requestId?: string;
}

export type ImportedEventStatus = 'new' | 'duplicate' | 'conflict';

export interface ImportedEvent {
  streamId: string;
  id: string;
  type: string;
  data: Record<string, unknown>;
  status: ImportedEventStatus;
  source: SourceSpan;
  /** `catalogue`: the mandate's identity, added from the catalogue because the document names it without establishing it. */
  origin: 'document' | 'catalogue';
}

export interface ImportOutcome {
  id: string;
  format: string;
  container: 'text' | 'pdf';
  documentSha256: string;
  dryRun: boolean;
  /** The text the facts' offsets index into (a PDF's extracted text). */
  text: string;
  facts: ImportedFact[];
  events: ImportedEvent[];
  appended: number;
  duplicates: number;
  conflicts: number;
  warnings: ImportWarning[];
  createdAt: string;
  /** Feed cursor of the import's last event, for read-your-writes waits. */
  checkpoint: string | null;
}

export interface ImportServiceOptions {
  catalogue?: readonly CatalogueEntry[];
  /** Called with the append's checkpoint after commit (the API waits for its projections). */
  afterAppend?: (checkpoint: string) => Promise<void>;
}

const QUOTE_MAX = 1000;

/**
 * Imports a document: parse (any supported format), turn facts into events with natural-key
 * ids, set aside those already recorded (duplicates) or contradicting what is recorded
 * (conflicts, reported as warnings), and append the rest atomically together with the import's
 * record. A dry run does everything but the append.
 */
export class ImportService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly options: ImportServiceOptions = {},
  ) {}

  async run(req: ImportRequest): Promise<ImportOutcome> {
    const bytes = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
    const documentSha256 = createHash('sha256').update(bytes).digest('hex');
    const parsed = await parseDocument(req.body, { format: req.format ?? 'auto', contentType: req.contentType, catalogue: this.options.catalogue });
    const warnings = [...parsed.warnings];
    const sourced: (SourcedEvent & { origin: 'document' | 'catalogue' })[] = toSourcedEvents(parsed, warnings).map((s) => ({ ...s, origin: 'document' as const }));
    sourced.push(...this.catalogueIdentities(sourced.map((s) => s.event)));

    const recorded = await this.recordedData(sourced.map((s) => s.event.id));
    const events: ImportedEvent[] = sourced.map(({ event, source, origin }) => {
      const data = event.data as Record<string, unknown>;
      const previous = recorded.get(event.id);
      let status: ImportedEventStatus = 'new';
      if (previous) {
        const fields = contradictingFields(event.type as EventType, previous, data);
        status = fields.length ? 'conflict' : 'duplicate';
        if (fields.length) {
          warnings.push({
            code: 'CONFLICT',
            message: `${event.type} ${event.streamId}: the document says ${fields.map((f) => `${f} ${JSON.stringify(data[f])}`).join(', ')}, the record says ${fields
              .map((f) => `${f} ${JSON.stringify(previous[f])}`)
              .join(', ')}; not appended (record a FactCorrected to change it)`,
            source,
          });
        }
      }
      return { streamId: event.streamId, id: event.id, type: event.type, data, status, source, origin };
    });

    const id = randomUUID();
    const today = todayOf(this.clock);
    const fresh = events.filter((e) => e.status === 'new');
    const outcome: ImportOutcome = {
      id,
      format: parsed.container === 'pdf' ? 'pdf' : parsed.format,
      container: parsed.container,
      documentSha256,
      dryRun: req.dryRun,
      text: parsed.text,
      facts: parsed.facts,
      events,
      appended: 0,
      duplicates: events.filter((e) => e.status === 'duplicate').length,
      conflicts: events.filter((e) => e.status === 'conflict').length,
      warnings,
      createdAt: new Date().toISOString(),
      checkpoint: null,
    };

    if (req.dryRun || fresh.length === 0) {
      await this.saveRecord(this.pool, outcome, req.actor);
      return outcome;
    }

    const byStream = new Map<string, StreamAppend>();
    for (const e of fresh) {
      const append = byStream.get(e.streamId) ?? { streamId: e.streamId, events: [], expectedVersion: 'any' as const };
      append.events.push({
        id: e.id,
        type: e.type,
        data: e.data,
        occurredOn: effectiveDateOf(e.type as EventType, e.data) ?? today,
        metadata: {
          actor: req.actor,
          ...(req.requestId ? { requestId: req.requestId } : {}),
          source: {
            ...(e.origin === 'catalogue' ? { catalogue: true } : {}),
            importId: id,
            documentSha256,
            format: outcome.format,
            start: e.source.start,
            end: e.source.end,
            quote: e.source.quote.slice(0, QUOTE_MAX),
          },
        },
      });
      byStream.set(e.streamId, append);
    }
    const result = await this.store.appendMany([...byStream.values()], {
      skipExisting: true,
      beforeCommit: (tx, counts) => {
        outcome.appended = counts.appended;
        outcome.duplicates += counts.duplicates;
        return this.saveRecord(tx, outcome, req.actor);
      },
      onSkipped: (ids) => {
        for (const e of events) if (ids.has(e.id)) e.status = 'duplicate';
      },
    });
    outcome.checkpoint = result.checkpoint;
    if (result.checkpoint && this.options.afterAppend) await this.options.afterAppend(result.checkpoint);
    return outcome;
  }

  async get(id: string): Promise<ImportOutcome | null> {
    const r = await this.pool.query(
      `SELECT id::text, format, document_sha256, dry_run, text, facts, warnings, appended, duplicates,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
       FROM imports WHERE id = $1`,
      [id],
    );
    const row = r.rows[0];
    if (!row) return null;
    return {
      id: row.id,
      format: row.format,
      container: row.format === 'pdf' ? 'pdf' : 'text',
      documentSha256: row.document_sha256,
      dryRun: row.dry_run,
      text: row.text,
      facts: row.facts.facts,
      events: row.facts.events,
      appended: row.appended,
      duplicates: row.duplicates,
      conflicts: (row.facts.events as ImportedEvent[]).filter((e) => e.status === 'conflict').length,
      warnings: row.warnings,
      createdAt: row.created_at,
      checkpoint: null,
    };
  }

  async list(opts: { limit: number; before?: string | null }): Promise<{ items: Omit<ImportOutcome, 'text' | 'facts' | 'events' | 'checkpoint'>[]; next: string | null }> {
    const r = await this.pool.query(
      `SELECT id::text, format, document_sha256, dry_run, warnings, appended, duplicates, jsonb_array_length(facts->'events') AS events,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, created_at AS at
       FROM imports WHERE ($1::timestamptz IS NULL OR created_at < $1::timestamptz) ORDER BY created_at DESC, id LIMIT $2`,
      [opts.before ?? null, opts.limit + 1],
    );
    const rows = r.rows.slice(0, opts.limit);
    return {
      items: rows.map((row) => ({
        id: row.id,
        format: row.format,
        container: row.format === 'pdf' ? 'pdf' : 'text',
        documentSha256: row.document_sha256,
        dryRun: row.dry_run,
        appended: row.appended,
        duplicates: row.duplicates,
        conflicts: 0,
        warnings: row.warnings,
        createdAt: row.created_at,
      })),
      next: r.rows.length > opts.limit ? (rows.at(-1)?.at as Date).toISOString() : null,
    };
  }

  /**
   * Establishment events, from the catalogue, for mandates the document extends or ends without
   * establishing them, so that they appear with their names (a document rarely restates a
   * mission's full name). Same natural key as any other establishment: recorded once.
   */
  private catalogueIdentities(events: { type: string; data: unknown }[]) {
    const established = new Set(events.filter((e) => e.type === 'MandateEstablished').map((e) => (e.data as { mandateId: string }).mandateId));
    const referenced = new Set(
      events.map((e) => (e.data as { mandateId?: string | null }).mandateId).filter((m): m is string => !!m && !established.has(m)),
    );
    const entries = (this.options.catalogue ?? BASE_CATALOGUE).filter((c) => referenced.has(c.id));
    if (entries.length === 0) return [];
    const noSpan: SourceSpan = { start: 0, end: 0, quote: '' };
    return toEvents({ format: 'csv', facts: catalogueFacts(entries), warnings: [] }, []).map((event) => ({
      event,
      source: noSpan,
      factKind: 'mandate_established' as const,
      origin: 'catalogue' as const,
    }));
  }

  private async recordedData(ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    if (ids.length === 0) return new Map();
    const r = await this.pool.query<{ id: string; data: Record<string, unknown> }>('SELECT id::text AS id, data FROM events WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(r.rows.map((row) => [row.id, row.data]));
  }

  private async saveRecord(db: Pick<pg.Pool, 'query'>, o: ImportOutcome, actor: string): Promise<void> {
    await db.query(
      `INSERT INTO imports (id, format, document_sha256, dry_run, text, facts, warnings, appended, duplicates, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [o.id, o.format, o.documentSha256, o.dryRun, o.text, JSON.stringify({ facts: o.facts, events: o.events }), JSON.stringify(o.warnings), o.appended, o.duplicates, actor],
    );
  }
}
