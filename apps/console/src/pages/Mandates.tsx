import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, MANDATE_TYPES } from '../api';
import { CountdownBadge, StatusBadge } from '../components/Badges';
import { SelectField, TextField } from '../components/Field';
import { Empty, QueryProblem, QueryView } from '../components/Status';
import { formatDate, humanize, mandateLabel } from '../format';
import { agendaItemName, useAgendaItems } from '../queries';
import { useUrlParams } from '../components/useUrlParams';

const STATUSES = ['active', 'expired', 'terminated', 'not_established'];

export function Mandates() {
  const [params, updateParams] = useUrlParams();
  const agenda = useAgendaItems();
  const filters = {
    q: params.get('q') ?? '',
    status: params.get('status') ?? '',
    type: params.get('type') ?? '',
    agendaItem: params.get('agendaItem') ?? '',
  };
  const [search, setSearch] = useState(filters.q);
  useEffect(() => setSearch(filters.q), [filters.q]);
  const list = useQuery({
    queryKey: ['mandates', 'search', filters],
    queryFn: () =>
      api.mandates({
        q: filters.q || undefined,
        status: filters.status || undefined,
        type: filters.type || undefined,
        agendaItem: filters.agendaItem || undefined,
        limit: 500,
      }),
    placeholderData: keepPreviousData,
  });

  const setParam = (name: string, value: string) => updateParams({ [name]: value });

  return (
    <section>
      <h1>Mandates</h1>
      <form
        className="filters"
        role="search"
        aria-label="Search mandates"
        onSubmit={(e) => {
          e.preventDefault();
          setParam('q', search.trim());
        }}
      >
        <TextField label="Acronym or name (any language)" name="q" type="search" value={search} onChange={setSearch} placeholder="MINUSMA, 马里稳定团…" />
        <button type="submit">Search</button>
        <SelectField label="Status" name="status" value={filters.status} onChange={(v) => setParam('status', v)} emptyLabel="Any status" options={STATUSES.map((s) => ({ value: s, label: humanize(s) }))} />
        <SelectField label="Type" name="type" value={filters.type} onChange={(v) => setParam('type', v)} emptyLabel="All types" options={MANDATE_TYPES.map((t) => ({ value: t, label: humanize(t) }))} />
        <SelectField
          label="Agenda item"
          name="agendaItem"
          value={filters.agendaItem}
          onChange={(v) => setParam('agendaItem', v)}
          emptyLabel={agenda.isPending ? 'Loading…' : 'All agenda items'}
          options={(agenda.data?.items ?? []).map((a) => ({ value: a.id, label: agendaItemName(agenda.data?.items, a.id) }))}
        />
      </form>
      <QueryProblem query={agenda} what="the agenda items (the filter and the names below show their ids)" />
      <QueryView query={list} label="Loading mandates…">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No mandate matches.</Empty>
          ) : (
            <table className="data-table" data-testid="mandates-table">
              <caption className="visually-hidden">Mandates</caption>
              <thead>
                <tr>
                  <th scope="col">Mandate</th>
                  <th scope="col">Type</th>
                  <th scope="col">Agenda item</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires on</th>
                  <th scope="col">Countdown</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((m) => (
                  <tr key={m.id} data-testid={`mandate-row-${m.id}`}>
                    <th scope="row">
                      <Link to={`/mandates/${encodeURIComponent(m.id)}`}>{mandateLabel(m)}</Link>
                      {m.names.en && m.names.en !== mandateLabel(m) && <div className="sub">{m.names.en}</div>}
                      {m.names.zh && <div className="sub" lang="zh-Hans">{m.names.zh}</div>}
                    </th>
                    <td>{humanize(m.type)}</td>
                    <td>{agendaItemName(agenda.data?.items, m.agendaItem)}</td>
                    <td><StatusBadge status={m.status} /></td>
                    <td>{formatDate(m.expiresOn)}</td>
                    <td>{m.status === 'active' && <CountdownBadge daysLeft={m.daysLeft} />}</td>
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
