import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, EVENT_TYPES, type EventEnvelope } from '../api';
import { EventItem } from '../components/EventItem';
import { SelectField, TextField } from '../components/Field';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { useUrlParams } from '../components/useUrlParams';

const PAGE = 50;

/** The date an event is filed under: when the fact happened, else when it was recorded. */
function eventDate(e: EventEnvelope): string {
  return (e.occurredOn ?? e.recordedAt ?? '').slice(0, 10);
}

export function EventLog() {
  const [params, updateParams, clearParams] = useUrlParams();
  const type = params.get('type') ?? '';
  const streamId = params.get('streamId') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const [streamInput, setStreamInput] = useState(streamId);
  useEffect(() => setStreamInput(streamId), [streamId]);

  const feed = useInfiniteQuery({
    queryKey: ['events', { type, streamId, from, to }],
    queryFn: ({ pageParam }) =>
      api.events({ cursor: pageParam, limit: PAGE, type: type || undefined, streamId: streamId || undefined, from: from || undefined, to: to || undefined }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
  });

  const setParam = (name: string, value: string) => updateParams({ [name]: value });

  // The API filters by date too (from/to); filtering again here keeps the view right either way.
  const events = (feed.data?.pages ?? [])
    .flatMap((p) => p.items)
    .filter((e) => (!from || eventDate(e) >= from) && (!to || eventDate(e) <= to));

  return (
    <section>
      <h1>Event log</h1>
      <p className="lead">Every recorded fact, in the order the log stores it, with its provenance.</p>
      <form
        className="filters"
        role="search"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          setParam('streamId', streamInput.trim());
        }}
      >
        <SelectField label="Event type" name="type" value={type} onChange={(v) => setParam('type', v)} emptyLabel="All types" options={EVENT_TYPES.map((t) => ({ value: t, label: t }))} />
        <TextField label="Stream" name="streamId" value={streamInput} onChange={setStreamInput} placeholder="mandate-minusma" />
        <button type="submit">Apply stream</button>
        <TextField label="From date" name="from" type="date" value={from} onChange={(v) => setParam('from', v)} />
        <TextField label="To date" name="to" type="date" value={to} onChange={(v) => setParam('to', v)} />
        {(type || streamId || from || to) && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setStreamInput('');
              clearParams();
            }}
          >
            Clear filters
          </button>
        )}
      </form>
      {feed.isRefetchError && events.length > 0 && <ErrorMessage error={feed.error} title="Could not refresh (showing the last loaded events)" onRetry={() => void feed.refetch()} />}
      {feed.isPlaceholderData && <Loading label="Updating…" />}
      {feed.isPending ? (
        <Loading label="Loading events…" />
      ) : feed.isError && events.length === 0 ? (
        <ErrorMessage error={feed.error} onRetry={() => void feed.refetch()} />
      ) : (
        <>
          {events.length === 0 ? <Empty>No event matches these filters{feed.hasNextPage ? ' on the pages loaded so far' : ''}.</Empty> : null}
          <ol className="event-list" data-testid="event-list">
            {events.map((e) => (
              <li key={e.id}>
                <EventItem event={e} />
              </li>
            ))}
          </ol>
          {feed.isFetchNextPageError && <ErrorMessage error={feed.error} title="Could not load more" />}
          {feed.hasNextPage ? (
            <button type="button" onClick={() => void feed.fetchNextPage()} disabled={feed.isFetchingNextPage} data-testid="load-more">
              {feed.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          ) : (
            events.length > 0 && <p className="sub" data-testid="end-of-log">End of the log.</p>
          )}
        </>
      )}
    </section>
  );
}
