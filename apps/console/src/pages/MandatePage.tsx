import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type MandateDetail } from '../api';
import { useCan } from '../auth';
import { CountdownBadge, StatusBadge } from '../components/Badges';
import { DocLink } from '../components/DocLink';
import { EventItem } from '../components/EventItem';
import { TextField } from '../components/Field';
import { NamesList } from '../components/Names';
import { Empty, QueryProblem, QueryView } from '../components/Status';
import { formatDate, humanize, isoToUtcInput, mandateLabel, textLang, utcInputToIso } from '../format';
import { agendaItemName, useAgendaItems } from '../queries';
import { useUrlParams } from '../components/useUrlParams';

export function MandatePage() {
  const { id = '' } = useParams();
  const [params, updateParams] = useUrlParams();
  const asOf = params.get('asOf') ?? '';
  const knownAt = params.get('knownAt') ?? '';
  const mandate = useQuery({
    queryKey: ['mandate', id, { asOf, knownAt }],
    queryFn: () => api.mandate(id, { asOf: asOf || undefined, knownAt: knownAt || undefined }),
    // Keep showing this mandate while another date loads (not another mandate's data).
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === id ? previous : undefined),
  });
  return (
    <QueryView query={mandate} label="Loading mandate…">
      {(m) => (
        <MandateView
          m={m}
          asOf={asOf}
          knownAt={knownAt}
          onParams={updateParams}
        />
      )}
    </QueryView>
  );
}

type TimeParams = Partial<Record<'asOf' | 'knownAt', string>>;

function MandateView({ m, asOf, knownAt, onParams }: { m: MandateDetail; asOf: string; knownAt: string; onParams: (updates: TimeParams) => void }) {
  const agenda = useAgendaItems();
  const canEdit = useCan('editor');
  const label = mandateLabel(m);
  return (
    <article data-testid="mandate-page" data-mandate-id={m.id}>
      <p className="breadcrumb">
        <Link to="/mandates">Mandates</Link> / {label}
      </p>
      <h1 data-testid="mandate-title">
        {label} <StatusBadge status={m.status} testId="mandate-status" />{' '}
        {m.status === 'active' && <CountdownBadge daysLeft={m.daysLeft} />}
      </h1>
      <QueryProblem query={agenda} what="the agenda items (the agenda item shows its id)" />
      <div className="two-col">
        <section aria-labelledby="names-h" className="card">
          <h2 id="names-h">Names</h2>
          <NamesList names={m.names} />
          {m.aliases && m.aliases.length > 0 && (
            <p data-testid="aliases">
              Also known as:{' '}
              {m.aliases.map((a, i) => (
                <span key={i}>
                  {i > 0 && ' · '}
                  <span lang={textLang(a) ?? 'und'}>{a}</span>
                </span>
              ))}
            </p>
          )}
        </section>
        <section aria-labelledby="facts-h" className="card">
          <h2 id="facts-h">Current state</h2>
          <dl className="facts">
            <dt>Type</dt>
            <dd data-testid="mandate-type">{humanize(m.type)}</dd>
            <dt>Agenda item</dt>
            <dd data-testid="mandate-agenda-item">{agendaItemName(agenda.data?.items, m.agendaItem)}</dd>
            <dt>Established</dt>
            <dd>
              {formatDate(m.establishedOn)}
              {m.establishedBy && (
                <>
                  {' '}by <DocLink symbol={m.establishedBy} />
                </>
              )}
            </dd>
            <dt>Expires on</dt>
            <dd data-testid="mandate-expires-on">{formatDate(m.expiresOn)}</dd>
            {m.terminatedOn && (
              <>
                <dt>Terminated on</dt>
                <dd data-testid="mandate-terminated-on">{formatDate(m.terminatedOn)}</dd>
              </>
            )}
            <dt>Last decision</dt>
            <dd>
              {m.lastDecision ? (
                <>
                  <DocLink symbol={m.lastDecision.symbol} /> ({formatDate(m.lastDecision.adoptedOn)})
                </>
              ) : (
                '—'
              )}
            </dd>
            <dt>State as of</dt>
            <dd data-testid="mandate-as-of">{formatDate(m.asOf)}</dd>
          </dl>
          <div className="inline-form">
            <TextField label="Show the state as of" name="asOf" type="date" value={asOf} onChange={(v) => onParams({ asOf: v })} hint="Only decisions adopted on or before this date count." />
            <TextField
              label="As recorded by (UTC)"
              name="knownAt"
              type="datetime-local"
              value={isoToUtcInput(knownAt)}
              onChange={(v) => onParams({ knownAt: utcInputToIso(v) })}
              hint="Only facts recorded by then count."
            />
            {(asOf || knownAt) && (
              <button
                type="button"
                className="secondary small"
                onClick={() => onParams({ asOf: '', knownAt: '' })}
              >
                Back to the current state
              </button>
            )}
          </div>
          {canEdit && (
            <p className="actions">
              <Link className="button" to={`/record?kind=extension&mandate=${encodeURIComponent(m.id)}`}>
                Record extension
              </Link>{' '}
              <Link className="button secondary" to={`/record?kind=termination&mandate=${encodeURIComponent(m.id)}`}>
                Record termination
              </Link>
            </p>
          )}
        </section>
      </div>
      <History m={m} />
      <ReportRequests m={m} />
      {m.agendaItem && <Related agendaItem={m.agendaItem} agendaName={agendaItemName(agenda.data?.items, m.agendaItem)} />}
      <RawEvents streamId={m.streamId || `mandate-${m.id}`} />
    </article>
  );
}

function History({ m }: { m: MandateDetail }) {
  return (
    <section aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      {m.history.length === 0 ? (
        <Empty>No establishment, extension or termination recorded.</Empty>
      ) : (
        <table className="data-table" data-testid="history-table">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
              <th scope="col">Decision</th>
              <th scope="col">Adopted on</th>
              <th scope="col">Paragraphs</th>
            </tr>
          </thead>
          <tbody>
            {m.history.map((h) => (
              <tr key={h.eventId} data-testid="history-row" data-kind={h.kind}>
                <td>{humanize(h.kind)}</td>
                <td>{formatDate(h.from)}</td>
                <td data-testid="history-until">{formatDate(h.until)}</td>
                <td>
                  <DocLink symbol={h.decision} />
                </td>
                <td>{formatDate(h.adoptedOn)}</td>
                <td>{formatParagraphs(h.paragraphs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function formatParagraphs(p: unknown): string {
  if (p === null || p === undefined || p === '') return '—';
  if (Array.isArray(p)) return p.join(', ');
  return typeof p === 'object' ? JSON.stringify(p) : String(p);
}

function ReportRequests({ m }: { m: MandateDetail }) {
  if (!m.reportRequests || m.reportRequests.length === 0) return null;
  return (
    <section aria-labelledby="reports-h">
      <h2 id="reports-h">Reports requested</h2>
      <table className="data-table" data-testid="report-requests-table">
        <thead>
          <tr>
            <th scope="col">Due on</th>
            <th scope="col">Requested by</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {m.reportRequests.map((r, i) => (
            <tr key={i}>
              <td>{formatDate(r.dueOn)}</td>
              <td>
                <DocLink symbol={r.decision} />
              </td>
              <td>{r.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Related({ agendaItem, agendaName }: { agendaItem: string; agendaName: string }) {
  const meetings = useQuery({ queryKey: ['meetings', agendaItem], queryFn: () => api.meetings({ agendaItem, limit: 500 }) });
  const decisions = useQuery({ queryKey: ['decisions', agendaItem], queryFn: () => api.decisions({ agendaItem, limit: 500 }) });
  return (
    <section aria-labelledby="related-h">
      <h2 id="related-h">Under the agenda item “{agendaName}”</h2>
      <h3>Decisions</h3>
      <QueryView query={decisions} label="Loading decisions…">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No decision recorded under this agenda item.</Empty>
          ) : (
            <table className="data-table" data-testid="decisions-table">
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Adopted on</th>
                  <th scope="col">Vote (for–against–abstaining)</th>
                  <th scope="col">Chapter VII</th>
                  <th scope="col">Meeting</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((d) => (
                  <tr key={d.symbol} data-testid="decision-row">
                    <td><DocLink symbol={d.symbol} /></td>
                    <td>{humanize(d.kind)}</td>
                    <td>{formatDate(d.adoptedOn)}</td>
                    <td>{d.vote ? `${d.vote.for}–${d.vote.against}–${d.vote.abstaining}` : '—'}</td>
                    <td>{d.chapterVII ? 'Yes' : 'No'}</td>
                    <td>{d.meeting ? <DocLink symbol={d.meeting} /> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
      <h3>Meetings</h3>
      <QueryView query={meetings} label="Loading meetings…">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No meeting recorded under this agenda item.</Empty>
          ) : (
            <table className="data-table" data-testid="meetings-table">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Record</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Format</th>
                  <th scope="col">Sub-item</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((mt) => (
                  <tr key={mt.id} data-testid="meeting-row">
                    <td>{formatDate(mt.date)}</td>
                    <td>
                      <DocLink symbol={mt.symbol ?? mt.record} />
                    </td>
                    <td>{humanize(mt.kind)}</td>
                    <td>{humanize(mt.format)}</td>
                    <td>{mt.subItem ? <DocLink symbol={mt.subItem} /> : '—'}</td>
                    <td>{mt.outcome ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </section>
  );
}

function RawEvents({ streamId }: { streamId: string }) {
  const [open, setOpen] = useState(true);
  const stream = useQuery({ queryKey: ['stream', streamId], queryFn: () => api.stream(streamId), enabled: open });
  return (
    <section aria-labelledby="raw-h">
      <h2 id="raw-h">Raw events</h2>
      <p>
        Stream <code>{streamId}</code>.{' '}
        <button type="button" className="secondary small" aria-expanded={open} aria-controls="raw-events" onClick={() => setOpen((o) => !o)} data-testid="toggle-raw-events">
          {open ? 'Hide events' : 'Show events'}
        </button>
      </p>
      <div id="raw-events" hidden={!open}>
        {open && (
          <QueryView query={stream} label="Loading events…">
            {(data) =>
              data.items.length === 0 ? <Empty>This stream has no events.</Empty> : data.items.map((e) => <EventItem key={e.id} event={e} />)
            }
          </QueryView>
        )}
      </div>
    </section>
  );
}
