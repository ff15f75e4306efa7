import { z } from 'zod';
import { ALERT_KINDS, DEFAULT_LEAD_DAYS, isValidTimeZone, slug } from '#libs/domain';

const scope = z
  .object({
    all: z.literal(true).optional().describe('Every mandate'),
    mandates: z.array(slug).max(500).optional().describe('Mandate ids, e.g. `minusma`'),
    agendaItems: z.array(slug).max(200).optional().describe('Agenda item ids: every mandate under them'),
  })
  .strict()
  .refine((s) => s.all || s.mandates?.length || s.agendaItems?.length, { message: 'must name mandates or agendaItems, or be { "all": true }' });

const leadDays = z
  .array(z.int().min(0).max(730))
  .min(1)
  .max(12)
  .refine((l) => new Set(l).size === l.length, { message: 'must not repeat a lead day' })
  .describe('Days before each date to remind (09:00 in `timezone`)');

const timezone = z
  .string()
  .max(64)
  .refine(isValidTimeZone, { message: 'must be an IANA timezone, e.g. Europe/Paris' })
  .describe('IANA timezone of the 09:00 reminders');

const notify = z.array(z.enum(ALERT_KINDS)).min(1).refine((l) => new Set(l).size === l.length, { message: 'must not repeat a kind' });
const digest = z
  .enum(['weekly'])
  .nullable()
  .describe('Email only: `weekly` collects the alerts and sends them as one email on Mondays at 09:00 in the subscription\'s timezone (nothing when a week has none); null sends each alert on its own');

const common = {
  scope: scope.default({ all: true }),
  leadDays: leadDays.default(DEFAULT_LEAD_DAYS),
  timezone: timezone.default('UTC'),
  notify: notify.default([...ALERT_KINDS]),
  digest: digest.default(null),
};

export const createSubscriptionBody = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('email'), address: z.email({ message: 'must be an email address' }).max(254), ...common }).strict(),
  z.object({ channel: z.literal('webhook'), url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000), ...common }).strict(),
]);

export const patchSubscriptionBody = z
  .object({
    address: z.email({ message: 'must be an email address' }).max(254).optional(),
    url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000).optional(),
    scope: scope.optional(),
    leadDays: leadDays.optional(),
    timezone: timezone.optional(),
    notify: notify.optional(),
    digest: digest.optional(),
    status: z.enum(['active', 'unsubscribed']).optional().describe('`active` re-enables a disabled webhook or resubscribes'),
  })
  .strict();

export const subscriptionView = z.object({
  id: z.uuid(),
  channel: z.enum(['email', 'webhook']),
  address: z.string().nullable(),
  url: z.string().nullable(),
  scope,
  leadDays: z.array(z.int()),
  timezone: z.string(),
  notify: z.array(z.enum(ALERT_KINDS)),
  digest: z.enum(['weekly']).nullable(),
  status: z.enum(['active', 'pending_confirmation', 'unsubscribed', 'disabled']),
  disabledReason: z.string().nullable(),
  calendarUrl: z.string().describe('iCalendar feed of the upcoming expiries in scope (no key needed: keep it private)'),
  ownerKeyId: z.string().nullable(),
  previousSecretValidUntil: z.string().nullable().describe('Webhooks: until when the rotated-out secret still signs'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const createdSubscriptionView = subscriptionView.extend({
  secret: z.string().optional().describe('Webhooks: the `whsec_…` signing secret. Shown only in this response.'),
});

export const deliveryView = z.object({
  id: z.uuid().describe('The alert\'s stable id: the webhook-id and the email Message-ID'),
  subscriptionId: z.uuid(),
  kind: z.string(),
  mandateId: z.string().nullable(),
  targetDate: z.string().nullable(),
  leadDays: z.int().nullable(),
  dueAt: z.string().describe('Business time'),
  status: z.enum(['pending', 'sent', 'failed', 'cancelled']),
  cancelReason: z.string().nullable(),
  attempts: z.int(),
  lastError: z.string().nullable(),
  late: z.boolean(),
  nextAttemptAt: z.string().nullable().describe('Real time of the next retry'),
  sentAt: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()).describe('The webhook body (the email is rendered from it)'),
  inDigest: z.boolean().describe('Extension: an alert of a weekly-digest subscription, sent within a digest (kind `weekly_digest`), never alone'),
  digestId: z.uuid().nullable().describe('Extension: the digest delivery that carries this alert, once that digest was first attempted'),
  createdAt: z.string(),
});
