import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, MANDATE_TYPES, type UpcomingItem } from '../api';
import { CountdownBadge } from '../components/Badges';
import { DocLink } from '../components/DocLink';
import { SelectField, TextField } from '../components/Field';
import { Empty, QueryProblem, QueryView } from '../components/Status';
import { Timeline } from '../components/Timeline';
import { addDays, formatDate, humanize, isoDate, mandateLabel, todayUtc } from '../format';
import { agendaItemName, useAgendaItems, useClock } from '../queries';
import { useUrlParams } from '../components/useUrlParams';

const WINDOWS = [30, 90, 180, 365, 730, 1825];

export function Deadlines() {
  const [params, updateParams, clearParams] = useUrlParams();
  const clock = useClock();
  const agenda = useAgendaItems();
  const clockToday = clock.data ? isoDate(clock.data.now) : null;
  const asOfParam = params.get('asOf') ?? '';
  const within = Number(params.get('within') ?? 365) || 365;
  const type = params.get('type') ?? '';
  const agendaItem = params.get('agendaItem') ?? '';
  const asOf = asOfParam || clockToday || '';

  const upcoming = useQuery({
    queryKey: ['upcoming', { asOf: asOfParam, within, type, agendaItem }],
    queryFn: () => api.upcoming({ asOf: asOfParam || undefined, within, type: type || undefined, agendaItem: agendaItem || undefined, limit: 500 }),
    placeholderData: keepPreviousData,
  });

  const setParam = (name: string, value: string) => updateParams({ [name]: value });

  return (
    <section>
      <h1>Deadlines</h1>
      <p className="lead">Mandates in force that expire within the selected window, soonest first.</p>
      <form className="filters" role="search" aria-label="Filter deadlines" onSubmit={(e) => e.preventDefault()}>
        <TextField label="As of" name="asOf" type="date" value={asOf} onChange={(v) => setParam('asOf', v)} />
        <SelectField
          label="Window"
          name="within"
          value={String(within)}
          onChange={(v) => setParam('within', v === '365' ? '' : v)}
          options={WINDOWS.map((d) => ({ value: String(d), label: d % 365 === 0 ? `${d / 365} year${d > 365 ? 's' : ''}` : `${d} days` }))}
        />
        <SelectField
          label="Type"
          name="type"
          value={type}
          onChange={(v) => setParam('type', v)}
          emptyLabel="All types"
          options={MANDATE_TYPES.map((t) => ({ value: t, label: humanize(t) }))}
        />
        <SelectField
          label="Agenda item"
          name="agendaItem"
          value={agendaItem}
          onChange={(v) => setParam('agendaItem', v)}
          emptyLabel={agenda.isPending ? 'Loading…' : 'All agenda items'}
          options={(agenda.data?.items ?? []).map((a) => ({ value: a.id, label: agendaItemName(agenda.data?.items, a.id) }))}
        />
        {(asOfParam || type || agendaItem || params.get('within')) && (
          <button type="button" className="secondary" onClick={() => clearParams()}>
            Reset filters
          </button>
        )}
      </form>
      <QueryProblem query={agenda} what="the agenda items (the filter and the names below show their ids)" />
      <QueryView query={upcoming} label="Loading upcoming expiries…">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No mandate in force expires within this window.</Empty>
          ) : (
            <>
              <Timeline
                items={data.items}
                asOf={asOf || todayUtc()}
                until={addDays(asOf || todayUtc(), within)}
                today={todayUtc()}
                now={clockToday}
              />
              <UpcomingTable items={data.items} agendaName={(id) => agendaItemName(agenda.data?.items, id)} />
            </>
          )
        }
      </QueryView>
    </section>
  );
}

function UpcomingTable({ items, agendaName }: { items: UpcomingItem[]; agendaName: (id: string | null) => string }) {
  return (
    <table className="data-table" data-testid="upcoming-table">
      <caption>Upcoming expiries</caption>
      <thead>
        <tr>
          <th scope="col">Mandate</th>
          <th scope="col">Type</th>
          <th scope="col">Agenda item</th>
          <th scope="col">Expires on</th>
          <th scope="col">Countdown</th>
          <th scope="col">Last decision</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.mandate.id} data-testid={`upcoming-row-${item.mandate.id}`}>
            <th scope="row">
              <Link to={`/mandates/${encodeURIComponent(item.mandate.id)}`}>{mandateLabel(item.mandate)}</Link>
              {item.mandate.names.en && item.mandate.names.en !== mandateLabel(item.mandate) && (
                <div className="sub">{item.mandate.names.en}</div>
              )}
              {item.mandate.names.zh && (
                <div className="sub" lang="zh-Hans">
                  {item.mandate.names.zh}
                </div>
              )}
            </th>
            <td>{humanize(item.mandate.type)}</td>
            <td>{agendaName(item.mandate.agendaItem)}</td>
            <td data-testid="expires-on">{formatDate(item.expiresOn)}</td>
            <td>
              <CountdownBadge daysLeft={item.daysLeft} />
            </td>
            <td>
              {item.lastDecision ? (
                <>
                  <DocLink symbol={item.lastDecision.symbol} />
                  <div className="sub">adopted {formatDate(item.lastDecision.adoptedOn)}</div>
                </>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
