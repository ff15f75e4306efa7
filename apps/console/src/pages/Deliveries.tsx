import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, DELIVERY_STATUSES, type Delivery, type Subscription } from '../api';
import { StatusBadge } from '../components/Badges';
import { SelectField } from '../components/Field';
import { Empty, ErrorMessage, Loading, QueryProblem } from '../components/Status';
import { formatInstant, humanize } from '../format';
import { useClock } from '../queries';
import { useUrlParams } from '../components/useUrlParams';

const PENDING_POLL_MS = 2_000;
const DUE_SOON_MS = 60_000;

function subscriptionLabel(s: Subscription): string {
  return `${humanize(s.channel)}: ${s.channel === 'email' ? s.address : s.url}`;
}

export function Deliveries() {
  const [params, updateParams] = useUrlParams();
  const subscription = params.get('subscription') ?? '';
  const status = params.get('status') ?? '';
  const subs = useQuery({ queryKey: ['subscriptions'], queryFn: api.subscriptions });
  const clock = useClock();
  // The business clock's now (deliveries fall due on it), advanced by the time since it was read.
  const clockNow = () => (clock.data ? Date.parse(clock.data.now) + (Date.now() - clock.dataUpdatedAt) : Date.now());
  const feed = useInfiniteQuery({
    queryKey: ['deliveries', { subscription, status }],
    queryFn: ({ pageParam }) => api.deliveries({ subscription: subscription || undefined, status: status || undefined, cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    placeholderData: keepPreviousData,
    // A pending delivery that is due (a test just queued, a retry, a reminder whose time has come)
    // is being worked on: follow it until it settles. Reminders planned for later do not poll.
    refetchInterval: (query) => {
      const now = clockNow();
      return query.state.data?.pages.some((p) => p.items.some((d) => d.status === 'pending' && Date.parse(d.dueAt) <= now + DUE_SOON_MS)) ? PENDING_POLL_MS : false;
    },
  });
  const byId = new Map((subs.data?.items ?? []).map((s) => [s.id, s]));

  const setParam = (name: string, value: string) => updateParams({ [name]: value });

  const items = (feed.data?.pages ?? []).flatMap((p) => p.items);
  return (
    <section>
      <h1>Deliveries</h1>
      <p className="lead">Every alert planned or sent, with its attempts. Failed deliveries can be retried.</p>
      <form className="filters" role="search" aria-label="Filter deliveries" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Subscription"
          name="subscription"
          value={subscription}
          onChange={(v) => setParam('subscription', v)}
          emptyLabel={subs.isPending ? 'Loading…' : 'All subscriptions'}
          options={(subs.data?.items ?? []).map((s) => ({ value: s.id, label: `${subscriptionLabel(s)}${s.disabled ? ' (disabled)' : ''}` }))}
        />
        <SelectField label="Status" name="status" value={status} onChange={(v) => setParam('status', v)} emptyLabel="Any status" options={DELIVERY_STATUSES.map((s) => ({ value: s, label: humanize(s) }))} />
      </form>
      <QueryProblem query={subs} what="the subscriptions (the filter and the list below show their ids)" />
      {feed.isRefetchError && items.length > 0 && <ErrorMessage error={feed.error} title="Could not refresh (showing the last loaded deliveries)" onRetry={() => void feed.refetch()} />}
      {feed.isPlaceholderData && <Loading label="Updating…" />}
      {feed.isPending ? (
        <Loading label="Loading deliveries…" />
      ) : feed.isError && items.length === 0 ? (
        <ErrorMessage error={feed.error} onRetry={() => void feed.refetch()} />
      ) : items.length === 0 ? (
        <Empty>No delivery matches.</Empty>
      ) : (
        <>
          <table className="data-table" data-testid="deliveries-table">
            <thead>
              <tr>
                <th scope="col">Alert</th>
                <th scope="col">Subscription</th>
                <th scope="col">Status</th>
                <th scope="col">Due</th>
                <th scope="col">Sent</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <DeliveryRow key={d.id} d={d} subscription={byId.get(d.subscriptionId)} />
              ))}
            </tbody>
          </table>
          {feed.isFetchNextPageError && <ErrorMessage error={feed.error} title="Could not load more" />}
          {feed.hasNextPage && (
            <button type="button" onClick={() => void feed.fetchNextPage()} disabled={feed.isFetchingNextPage} data-testid="load-more">
              {feed.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function DeliveryRow({ d, subscription }: { d: Delivery; subscription?: Subscription }) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => api.retryDelivery(d.id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['deliveries'] }),
  });
  return (
    <tr data-testid={`delivery-${d.id}`} data-status={d.status}>
      <td>
        {humanize(d.kind)}
        {d.mandateId && (
          <div className="sub">
            <Link to={`/mandates/${encodeURIComponent(d.mandateId)}`}>{d.mandateId}</Link>
          </div>
        )}
      </td>
      <td>
        {subscription ? subscriptionLabel(subscription) : <code>{d.subscriptionId}</code>}
        {subscription?.disabled && (
          <div>
            <span className="badge status-disabled" data-testid="delivery-endpoint-disabled">
              Endpoint disabled{subscription.disabledReason ? `: ${subscription.disabledReason}` : ''}
            </span>
          </div>
        )}
      </td>
      <td>
        <StatusBadge status={d.status} testId="delivery-status" />
      </td>
      <td>{formatInstant(d.dueAt)}</td>
      <td>{formatInstant(d.sentAt)}</td>
      <td data-testid="delivery-attempts">{d.attempts}</td>
      <td className="last-error" data-testid="delivery-last-error">{d.lastError ?? '—'}</td>
      <td>
        {d.status === 'failed' && (
          <button type="button" className="small" onClick={() => retry.mutate()} disabled={retry.isPending} data-testid="retry-delivery" aria-label={`Retry delivery ${d.id}`}>
            {retry.isPending ? 'Retrying…' : 'Retry'}
          </button>
        )}
        {retry.isError && <ErrorMessage error={retry.error} title="Retry failed" />}
      </td>
    </tr>
  );
}
