import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, type Subscription } from '../api';
import { StatusBadge } from '../components/Badges';
import { ConfirmButton } from '../components/ConfirmButton';
import { SecretOnce } from '../components/SecretOnce';
import { Empty, ErrorMessage, QueryView, Success } from '../components/Status';
import { humanize, mandateLabel } from '../format';
import { agendaItemName, useAgendaItems, useMandateList } from '../queries';
import { SubscriptionForm } from './subscriptions/SubscriptionForm';

const QK = ['subscriptions'];

export function Subscriptions() {
  const list = useQuery({ queryKey: QK, queryFn: api.subscriptions });
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Subscription | null>(null);

  return (
    <section>
      <h1>Subscriptions</h1>
      <p className="lead">Email and webhook alerts before mandates expire, and notices when the Council decides.</p>
      {created && (
        <div className="card" data-testid="subscription-created">
          <Success>
            Subscription created{created.status === 'pending_confirmation' ? ': a confirmation email was sent to the address; alerts start once it is confirmed.' : '.'}
          </Success>
          {created.secret && <SecretOnce label="Webhook signing secret" value={created.secret} testId="webhook-secret" onDismiss={() => setCreated({ ...created, secret: undefined })} />}
          {created.calendarUrl && (
            <p>
              Calendar feed: <a href={created.calendarUrl}>{created.calendarUrl}</a>
            </p>
          )}
        </div>
      )}
      {creating ? (
        <SubscriptionForm
          submit={api.createSubscription}
          onDone={(s) => {
            setCreated(s);
            setCreating(false);
            void queryClient.invalidateQueries({ queryKey: QK });
          }}
          onCancel={() => setCreating(false)}
        />
      ) : (
        <button type="button" onClick={() => { setCreating(true); setCreated(null); }} data-testid="new-subscription">
          New subscription
        </button>
      )}
      <QueryView query={list} label="Loading subscriptions…">
        {(data) => {
          const disabled = data.items.filter((s) => s.disabled);
          return (
            <>
              {disabled.length > 0 && (
                <div className="error-box" role="alert" data-testid="disabled-endpoints-alert">
                  {disabled.length} webhook endpoint{disabled.length === 1 ? ' is' : 's are'} disabled and receive{disabled.length === 1 ? 's' : ''} nothing until fixed.
                </div>
              )}
              {data.items.length === 0 ? (
                <Empty>No subscription yet.</Empty>
              ) : (
                <ul className="plain-list" data-testid="subscription-list">
                  {data.items.map((s) => (
                    <li key={s.id}>
                      <SubscriptionCard s={s} />
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        }}
      </QueryView>
    </section>
  );
}

function ScopeText({ s }: { s: Subscription }) {
  const mandates = useMandateList();
  const agenda = useAgendaItems();
  if (s.scope.all) return <>All mandates</>;
  const parts = [
    ...(s.scope.mandates ?? []).map((id) => {
      const m = mandates.data?.items.find((x) => x.id === id);
      return m ? mandateLabel(m) : id;
    }),
    ...(s.scope.agendaItems ?? []).map((id) => agendaItemName(agenda.data?.items, id)),
  ];
  return <>{parts.length ? parts.join(', ') : 'Nothing selected'}</>;
}

function SubscriptionCard({ s }: { s: Subscription }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: QK });

  const remove = useMutation({ mutationFn: () => api.deleteSubscription(s.id), onSuccess: refresh });
  const rotate = useMutation({
    mutationFn: () => api.rotateSecret(s.id),
    onSuccess: (res) => {
      setSecret(res.secret ?? null);
      refresh();
    },
  });
  const test = useMutation({ mutationFn: () => api.testSubscription(s.id), onSuccess: () => setMessage('Test notification queued. Check the deliveries for its outcome.') });
  const error = remove.error ?? rotate.error ?? test.error;
  const target = s.channel === 'email' ? s.address : s.url;

  return (
    <article className={`card subscription${s.disabled ? ' disabled' : ''}`} data-testid={`subscription-${s.id}`} aria-label={`${humanize(s.channel)} subscription ${target ?? s.id}`}>
      <header className="subscription-head">
        <h2 className="h3">
          {humanize(s.channel)}: <span className="target" data-testid="subscription-target">{target}</span>
        </h2>
        <StatusBadge status={s.status} testId="subscription-status" />
        {s.disabled && (
          <span className="badge status-disabled" data-testid="subscription-disabled">
            Endpoint disabled{s.disabledReason ? `: ${s.disabledReason}` : ''}
          </span>
        )}
      </header>
      <dl className="inline-dl">
        <div><dt>Scope</dt><dd><ScopeText s={s} /></dd></div>
        <div><dt>Lead days</dt><dd>{s.leadDays?.join(', ') || '—'}</dd></div>
        <div><dt>Time zone</dt><dd>{s.timezone}</dd></div>
        <div><dt>Notify</dt><dd>{s.notify?.map(humanize).join(', ') || '—'}</dd></div>
        {s.channel === 'email' && <div><dt>Digest</dt><dd>{s.digest === 'weekly' ? 'Weekly' : 'No'}</dd></div>}
        {s.calendarUrl && <div><dt>Calendar</dt><dd><a href={s.calendarUrl}>iCalendar feed</a></dd></div>}
      </dl>
      {secret && <SecretOnce label="New webhook signing secret (the old one keeps signing for 24 hours)" value={secret} testId="webhook-secret" onDismiss={() => setSecret(null)} />}
      {message && <p role="status" className="sub">{message}</p>}
      {error && <ErrorMessage error={error} title="Action failed" />}
      <div className="actions">
        <button type="button" className="secondary small" onClick={() => setEditing((e) => !e)} aria-expanded={editing} data-testid="edit-subscription">
          {editing ? 'Close editor' : 'Edit'}
        </button>
        {s.channel === 'webhook' && (
          <ConfirmButton label="Rotate secret" confirmLabel="Rotate now" onConfirm={() => rotate.mutate()} busy={rotate.isPending} testId="rotate-secret" />
        )}
        <button type="button" className="secondary small" onClick={() => { setMessage(null); test.mutate(); }} disabled={test.isPending} data-testid="test-subscription">
          {test.isPending ? 'Sending…' : 'Send test'}
        </button>
        <Link className="button secondary small" to={`/deliveries?subscription=${encodeURIComponent(s.id)}`}>
          Deliveries
        </Link>
        <ConfirmButton label="Delete" confirmLabel="Delete subscription" onConfirm={() => remove.mutate()} busy={remove.isPending} testId="delete-subscription" />
      </div>
      {editing && (
        <SubscriptionForm
          subscription={s}
          submit={(input) => api.updateSubscription(s.id, input)}
          onDone={() => {
            setEditing(false);
            refresh();
          }}
          onCancel={() => setEditing(false)}
        />
      )}
    </article>
  );
}
