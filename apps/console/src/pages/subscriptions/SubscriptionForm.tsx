import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ApiError, NOTIFICATION_KINDS, type NotificationKind, type Subscription, type SubscriptionInput } from '../../api';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { ErrorMessage, Loading, QueryProblem } from '../../components/Status';
import { humanize, mandateLabel } from '../../format';
import { agendaItemName, useAgendaItems, useMandateList } from '../../queries';

type Values = {
  channel: 'email' | 'webhook';
  address: string;
  url: string;
  all: boolean;
  mandates: string[];
  agendaItems: string[];
  leadDays: string;
  timezone: string;
  notify: NotificationKind[];
  digest: boolean;
};

function initialValues(s?: Subscription): Values {
  return {
    channel: s?.channel ?? 'email',
    address: s?.address ?? '',
    url: s?.url ?? '',
    all: s ? !!s.scope.all : true,
    mandates: s?.scope.mandates ?? [],
    agendaItems: s?.scope.agendaItems ?? [],
    leadDays: (s?.leadDays ?? [90, 30, 7, 1]).join(', '),
    timezone: s?.timezone ?? 'UTC',
    notify: s?.notify ?? [...NOTIFICATION_KINDS],
    digest: s?.digest === 'weekly',
  };
}

function toInput(v: Values, creating: boolean): SubscriptionInput {
  return {
    ...(creating ? { channel: v.channel } : {}),
    ...(v.channel === 'email' ? { address: v.address.trim() } : { url: v.url.trim() }),
    scope: v.all ? { all: true } : { mandates: v.mandates, agendaItems: v.agendaItems },
    leadDays: v.leadDays
      .split(/[,\s]+/)
      .filter(Boolean)
      .map(Number),
    timezone: v.timezone.trim() || 'UTC',
    notify: v.notify,
    ...(v.channel === 'email' ? { digest: v.digest ? 'weekly' : null } : {}),
  };
}

const TIMEZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Shanghai'];
  }
})();

type ChoicesQuery = { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };

function CheckList({ legend, options, selected, onChange, error, choices }: { legend: string; options: { value: string; label: string; lang?: string }[]; selected: string[]; onChange: (v: string[]) => void; error?: string; choices?: ChoicesQuery }) {
  const id = useId();
  return (
    <fieldset className="checklist" aria-describedby={error ? `${id}-err` : undefined} aria-busy={choices?.isPending || undefined}>
      <legend>{legend}</legend>
      {choices?.isPending ? (
        <Loading label={`Loading ${legend.toLowerCase()}…`} />
      ) : choices?.isError ? (
        <QueryProblem query={choices} what={legend.toLowerCase()} />
      ) : (
        options.length === 0 && <p className="sub">None available.</p>
      )}
      {options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="checkbox"
            checked={selected.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...selected, o.value] : selected.filter((x) => x !== o.value))}
          />{' '}
          {o.label}
        </label>
      ))}
      {error && (
        <div className="field-error" id={`${id}-err`}>
          {error}
        </div>
      )}
    </fieldset>
  );
}

/** Create (no `subscription`) or edit a subscription. */
export function SubscriptionForm({
  subscription,
  submit,
  onDone,
  onCancel,
}: {
  subscription?: Subscription;
  submit: (input: SubscriptionInput) => Promise<Subscription>;
  onDone: (s: Subscription) => void;
  onCancel?: () => void;
}) {
  const creating = !subscription;
  const [v, setV] = useState<Values>(() => initialValues(subscription));
  const mandates = useMandateList();
  const agenda = useAgendaItems();
  const mutation = useMutation({ mutationFn: submit, onSuccess: onDone });
  const details = mutation.error instanceof ApiError ? mutation.error.details : [];
  const err = (name: string) => {
    const m = details.filter((d) => d.path === name || d.path.startsWith(`${name}.`) || d.path.startsWith(`${name}[`)).map((d) => d.message);
    return m.length ? m.join(' ') : undefined;
  };
  const set = <K extends keyof Values>(k: K, val: Values[K]) => setV((old) => ({ ...old, [k]: val }));

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    mutation.mutate(toInput(v, creating));
  }

  const prefix = creating ? 'new' : `edit-${subscription.id}`;
  return (
    <form onSubmit={onSubmit} className="card subscription-form" aria-label={creating ? 'New subscription' : 'Edit subscription'} data-testid={`${prefix}-subscription-form`} noValidate>
      {creating ? (
        <SelectField label="Channel" name="channel" value={v.channel} onChange={(x) => set('channel', x as Values['channel'])} error={err('channel')} options={[{ value: 'email', label: 'Email' }, { value: 'webhook', label: 'Webhook' }]} />
      ) : (
        <p>
          Channel: <strong>{humanize(v.channel)}</strong>
        </p>
      )}
      {v.channel === 'email' ? (
        <TextField label="Email address" name="address" type="email" value={v.address} onChange={(x) => set('address', x)} error={err('address')} required />
      ) : (
        <TextField label="Webhook URL" name="url" type="url" value={v.url} onChange={(x) => set('url', x)} error={err('url')} placeholder="https://example.org/hooks/mandates" required />
      )}
      <CheckboxField label="All mandates" name="scope.all" checked={v.all} onChange={(x) => set('all', x)} error={err('scope.all')} />
      {!v.all && (
        <div className="two-col">
          <CheckList
            legend="Mandates"
            options={(mandates.data?.items ?? []).map((m) => ({ value: m.id, label: mandateLabel(m) }))}
            selected={v.mandates}
            onChange={(x) => set('mandates', x)}
            error={err('scope.mandates') ?? err('scope')}
            choices={mandates}
          />
          <CheckList
            legend="Agenda items"
            options={(agenda.data?.items ?? []).map((a) => ({ value: a.id, label: agendaItemName(agenda.data?.items, a.id) }))}
            selected={v.agendaItems}
            onChange={(x) => set('agendaItems', x)}
            error={err('scope.agendaItems')}
            choices={agenda}
          />
        </div>
      )}
      <TextField label="Reminder lead days" name="leadDays" value={v.leadDays} onChange={(x) => set('leadDays', x)} error={err('leadDays')} hint="Days before each expiry, separated by commas." />
      <TextField label="Time zone" name="timezone" list={`${prefix}-timezones`} value={v.timezone} onChange={(x) => set('timezone', x)} error={err('timezone')} hint="Reminders go out at 09:00 in this IANA time zone." />
      <datalist id={`${prefix}-timezones`}>
        {TIMEZONES.map((tz) => (
          <option key={tz} value={tz} />
        ))}
      </datalist>
      <CheckList
        legend="Notify about"
        options={NOTIFICATION_KINDS.map((k) => ({ value: k, label: humanize(k) }))}
        selected={v.notify}
        onChange={(x) => set('notify', x as NotificationKind[])}
        error={err('notify')}
      />
      {v.channel === 'email' && <CheckboxField label="Weekly digest instead of single emails" name="digest" checked={v.digest} onChange={(x) => set('digest', x)} error={err('digest')} />}
      {mutation.isError && <ErrorMessage error={mutation.error} title={creating ? 'Not created' : 'Not saved'} />}
      <div className="actions">
        <button type="submit" disabled={mutation.isPending} data-testid={`${prefix}-subscription-submit`}>
          {mutation.isPending ? 'Saving…' : creating ? 'Create subscription' : 'Save changes'}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
