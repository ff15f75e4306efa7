import type { DeliveryKind } from '#libs/domain';

/** Standard Webhooks event types per delivery kind (the contract's names). */
export const WEBHOOK_TYPES: Record<DeliveryKind, string> = {
  expiry_reminder: 'mandate.expiry_reminder',
  report_due: 'report.due',
  mandate_extended: 'mandate.extended',
  mandate_established: 'mandate.established',
  mandate_terminated: 'mandate.terminated',
  mandate_expired: 'mandate.expired',
  subscription_test: 'subscription.test',
  subscription_confirmation: 'subscription.confirmation',
  weekly_digest: 'digest.weekly',
};

export interface MandateSummary {
  id: string;
  acronym: string | null;
  names: { en?: string; zh?: string; fr?: string };
  type: string;
  expiresOn: string | null;
}

/**
 * The message of one alert, as the webhook body `{ type, timestamp, data }`. It is fixed when the
 * delivery is first attempted and stored in the delivery row, so that a resend after a crash is
 * the same message; the email is rendered from it as well.
 */
export interface AlertPayload {
  type: string;
  /** When the alert was due, business time, ISO 8601 UTC. */
  timestamp: string;
  data: {
    deliveryId: string;
    subscriptionId: string;
    mandate?: MandateSummary;
    daysLeft?: number;
    leadDays?: number;
    decision?: { symbol: string; adoptedOn: string };
    /** report_due: the deadline and what is asked for. */
    report?: { dueOn: string; description: string; decision: string };
    consoleUrl?: string;
    /** subscription_confirmation (email only): the link that confirms the subscription. */
    confirmUrl?: string;
    /** report_due of a request not tied to a mandate: the agenda item it was made under. */
    agendaItem?: { id: string; names: { en?: string; zh?: string; fr?: string } };
    /** weekly_digest: the date (subscriber's timezone) it goes out on. */
    weekOf?: string;
    /** weekly_digest: the alerts it carries (each as it would have been sent alone), by due time. */
    items?: AlertPayload[];
  };
}

/** `30 June 2021` (dates are calendar dates: formatted in UTC). */
/** Made once: building an Intl.DateTimeFormat costs far more than formatting with it. */
const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export function formatLongDate(date: string): string {
  return LONG_DATE.format(new Date(`${date}T00:00:00Z`));
}

export function mandateLabel(m: MandateSummary | undefined): string {
  return m?.acronym ?? m?.names.en ?? m?.id ?? 'mandate';
}
