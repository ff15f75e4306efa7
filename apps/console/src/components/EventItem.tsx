import { Link } from 'react-router';
import type { EventEnvelope } from '../api';
import { useCan } from '../auth';
import { formatDate, formatInstant, mandateIdFromStream, textLang } from '../format';
import { JsonView } from './JsonView';

/** One event envelope: type, stream, data, and where it came from (import provenance). */
export function EventItem({ event }: { event: EventEnvelope }) {
  const canSeeImports = useCan('editor');
  const source = event.metadata?.source;
  const mandateId = mandateIdFromStream(event.streamId);
  return (
    <article className="event card" data-testid="event" data-event-id={event.id} data-event-type={event.type}>
      <header className="event-head">
        <h3>
          <span className="event-type" data-testid="event-type">{event.type}</span>{' '}
          <span className="sub">#{String(event.position)}</span>
        </h3>
        <dl className="inline-dl">
          <div>
            <dt>Stream</dt>
            <dd data-testid="event-stream">
              <Link to={`/events?streamId=${encodeURIComponent(event.streamId)}`}>{event.streamId}</Link> v{event.version}
              {mandateId && (
                <>
                  {' '}· <Link to={`/mandates/${encodeURIComponent(mandateId)}`}>mandate page</Link>
                </>
              )}
            </dd>
          </div>
          {event.occurredOn && (
            <div>
              <dt>Occurred</dt>
              <dd>{formatDate(event.occurredOn)}</dd>
            </div>
          )}
          <div>
            <dt>Recorded</dt>
            <dd>{formatInstant(event.recordedAt)}</dd>
          </div>
          <div>
            <dt>Actor</dt>
            <dd>{event.metadata?.actor ?? '—'}</dd>
          </div>
        </dl>
      </header>
      {source && (
        <div className="provenance" data-testid="event-provenance">
          <div>
            Source: import{' '}
            {canSeeImports ? <Link to={`/imports/${encodeURIComponent(source.importId)}`}>{source.importId}</Link> : <code>{source.importId}</code>}, document{' '}
            <code title={source.documentSha256}>{source.documentSha256?.slice(0, 12)}…</code>, characters {source.start}–{source.end}
          </div>
          <blockquote data-testid="event-quote" lang={textLang(source.quote)}>{source.quote}</blockquote>
        </div>
      )}
      <DataSummary data={event.data} />
      <details>
        <summary>Full data (JSON)</summary>
        <JsonView value={event.data} testId="event-data" />
        <div className="sub">
          Event id <code>{event.id}</code>, schema v{event.schemaVersion}
        </div>
      </details>
    </article>
  );
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The top-level fields of an event's data, always visible. */
function DataSummary({ data }: { data: unknown }) {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const entries = Object.entries(data as Record<string, unknown>);
  if (entries.length === 0) return null;
  return (
    <dl className="kv event-data-summary" data-testid="event-data-summary">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{show(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
