import { createHash } from 'node:crypto';
import { addDays, daysBetween, utcDate } from './clock.js';
import { ALERT_KINDS, type AlertKind } from './vocabulary.js';

/**
 * The alert schedule as pure rules: which alerts a subscription should receive about a mandate,
 * when each is due, and which of them to drop so that an import of history or a jump of the
 * business clock does not flood anybody. The worker turns the result into `deliveries` rows.
 */

export { ALERT_KINDS, type AlertKind };

/** Deliveries that are not scheduled from the projections but made on request. */
export type OneOffDeliveryKind = 'subscription_test' | 'subscription_confirmation';
/** One email per week carrying the alerts of a digest subscription. */
export const DIGEST_KIND = 'weekly_digest';
export type DeliveryKind = AlertKind | OneOffDeliveryKind | typeof DIGEST_KIND;

export const DEFAULT_LEAD_DAYS = [90, 30, 7, 1];
/** Reminders go out at this local hour in the subscriber's timezone. */
export const REMINDER_LOCAL_HOUR = 9;

export interface AlertSubscriptionRules {
  id: string;
  leadDays: number[];
  /** IANA timezone, e.g. `Europe/Paris`. */
  timezone: string;
  notify: AlertKind[];
}

/** What the schedule needs to know about one mandate (from the projections). */
export interface MandateAlertFacts {
  mandateId: string;
  /** Dated facts (establishment, extensions, termination), as in `mandate_timeline`. */
  timeline: {
    eventId: string;
    kind: 'established' | 'extended' | 'terminated';
    effectiveOn: string;
    expiresOn: string | null;
    seq: number;
    /** False: the fact gave no date and `effectiveOn` is the day it was recorded (never a notice). */
    dateKnown?: boolean;
  }[];
  reports: { eventId: string; dueOn: string }[];
}

export interface PlannedAlert {
  key: string;
  kind: AlertKind;
  mandateId: string;
  /** The date the alert is about: the expiry, the report deadline, or the notice's adoption date. */
  targetDate: string;
  /** Days before `targetDate` (0 for notices and `mandate_expired`). */
  leadDays: number;
  dueAt: Date;
  /** The fact the alert is about (report request or timeline event), when it is not the expiry itself. */
  factEventId: string | null;
  /** Due more than an hour before the clock's now: sent late (worker down, clock jump). */
  late: boolean;
}

export interface PlanOptions {
  /** The business clock's now. */
  now: Date;
  /** NOTIFY_BACKFILL_DAYS. */
  backfillDays: number;
}

/** Due more than this before the clock's now: the alert is marked late. */
export const LATE_AFTER_MS = 60 * 60 * 1000;

/**
 * Offsets already computed, by timezone and second. A sweep plans every subscription × mandate,
 * and subscribers share a handful of timezones and due times: `formatToParts` is most of the
 * planning's CPU without this (a 2,000-subscription fan-out spent ~0.5 s in it). The answer for
 * a zone and an instant never changes while the process runs, so entries never go stale; the
 * map is emptied when it grows large, to bound memory.
 */
const offsetCache = new Map<string, number>();
const OFFSET_CACHE_MAX = 10_000;

/** Offset of `timeZone` from UTC at `instant`, in ms (positive east of Greenwich). */
function zoneOffsetMs(instant: Date, timeZone: string): number {
  const key = `${timeZone}@${Math.floor(instant.getTime() / 1000)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size >= OFFSET_CACHE_MAX) offsetCache.clear();
    offset = computeZoneOffsetMs(instant, timeZone);
    offsetCache.set(key, offset);
  }
  return offset;
}

function computeZoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = zonedFormatter(timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const hour = get('hour') % 24; // some engines print midnight as 24
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), hour, get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function zonedFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    zonedFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant of a wall-clock time on a date in a timezone (DST-correct: the offset is the one in
 * force at that local time; a local time skipped by a spring-forward gap maps to the instant just
 * after the gap).
 */
export function zonedInstant(date: string, hour: number, minute: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  // Two passes: the offset at the first guess may differ from the offset at the answer when a
  // DST change lies between them.
  let guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  guess = wall - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** The calendar date of an instant in a timezone, `YYYY-MM-DD`. */
export function zonedDate(instant: Date, timeZone: string): string {
  return utcDate(new Date(instant.getTime() + zoneOffsetMs(instant, timeZone)));
}

/** 09:00 local on `date − leadDays` in the subscriber's timezone. */
export function reminderDueAt(date: string, leadDays: number, timeZone: string): Date {
  return zonedInstant(addDays(date, -leadDays), REMINDER_LOCAL_HOUR, 0, timeZone);
}

/** Weekly digests go out on this weekday (ISO: 1 = Monday) at REMINDER_LOCAL_HOUR, subscriber's time. */
export const DIGEST_WEEKDAY = 1;

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay() || 7; // ISO: Monday 1 … Sunday 7

/** The first digest time (Monday 09:00 in `timeZone`) at or after `instant`. */
export function digestSlotAtOrAfter(instant: Date, timeZone: string): Date {
  const start = zonedDate(instant, timeZone);
  for (let i = 0; ; i++) {
    const date = addDays(start, i);
    if (weekday(date) !== DIGEST_WEEKDAY) continue;
    const at = zonedInstant(date, REMINDER_LOCAL_HOUR, 0, timeZone);
    if (at >= instant) return at;
  }
}

/** The last digest time (Monday 09:00 in `timeZone`) at or before `instant`. */
export function digestSlotAtOrBefore(instant: Date, timeZone: string): Date {
  const start = zonedDate(instant, timeZone);
  for (let i = 0; ; i--) {
    const date = addDays(start, i);
    if (weekday(date) !== DIGEST_WEEKDAY) continue;
    const at = zonedInstant(date, REMINDER_LOCAL_HOUR, 0, timeZone);
    if (at <= instant) return at;
  }
}

/**
 * When the digest carrying an alert due at `dueAt` goes out: the first Monday 09:00 (subscriber's
 * time) at or after it; when that has already passed (worker down, clock moved forward), the last
 * one before `now`, so that everything overdue goes out together in one digest, not one per
 * missed week.
 */
export function digestSlotFor(dueAt: Date, now: Date, timeZone: string): Date {
  const slot = digestSlotAtOrAfter(dueAt, timeZone);
  return slot <= now ? digestSlotAtOrBefore(now, timeZone) : slot;
}

/** The stable key of a subscription's digest of one week (named by the local date it goes out). */
export function digestKey(subscriptionId: string, slot: Date, timeZone: string): string {
  return [subscriptionId, DIGEST_KIND, zonedDate(slot, timeZone)].join('|');
}

/** The stable key of one alert: the same alert is planned under the same key by every sweep. */
export function alertKey(parts: { subscriptionId: string; kind: string; mandateId: string; targetDate: string; leadDays: number; factEventId?: string | null }): string {
  return [parts.subscriptionId, parts.kind, parts.mandateId, parts.targetDate, String(parts.leadDays), parts.factEventId ?? ''].join('|');
}

/**
 * The alert's stable id (a UUID derived from its key): the delivery's primary key, the webhook's
 * `webhook-id` and the email's Message-ID, so that a resend after a crash carries the same id.
 */
export function alertId(key: string): string {
  const h = createHash('sha256').update(`mandate-watch-alert\n${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80; // version 8 (custom, RFC 9562)
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * BullMQ job id for one attempt at a delivery. BullMQ refuses ids with `:`; the attempt number
 * makes a retry a new job while a second enqueue of the same attempt is a no-op.
 */
export function deliveryJobId(deliveryId: string, attempt: number): string {
  return `dlv-${deliveryId}-${attempt}`;
}

/** The mandate's expiry as of a date: the last dated fact in effect that sets one. */
export function expiryAsOf(facts: MandateAlertFacts, asOf: string): { expiresOn: string; terminated: boolean } | null {
  let current: { expiresOn: string; terminated: boolean } | null = null;
  const inEffect = facts.timeline
    .filter((t) => t.effectiveOn <= asOf)
    .sort((a, b) => (a.effectiveOn === b.effectiveOn ? a.seq - b.seq : a.effectiveOn < b.effectiveOn ? -1 : 1));
  for (const t of inEffect) {
    if (t.expiresOn) current = { expiresOn: t.expiresOn, terminated: t.kind === 'terminated' };
  }
  return current;
}

/**
 * Reminders of report deadlines that no mandate carries (a report requested under an agenda
 * item): the same rules as a mandate's report reminders. Their keys have an empty mandate part.
 */
export function planReportAlerts(sub: AlertSubscriptionRules, reports: MandateAlertFacts['reports'], opts: PlanOptions): PlannedAlert[] {
  return planMandateAlerts(sub, { mandateId: '', timeline: [], reports }, opts);
}

const NOTICE_KIND = { established: 'mandate_established', extended: 'mandate_extended', terminated: 'mandate_terminated' } as const;

/**
 * Every alert the subscription should have about one mandate as of the clock's now, with the
 * no-flood rules applied:
 * - never a reminder about a date already past;
 * - of the reminders of one target that are already due, only the latest (smallest lead);
 * - notices and `mandate_expired` only for dates within `backfillDays` of today, no notice
 *   of an extension or establishment whose period is already over, and none about a fact whose
 *   adoption date is not known (it carries the recording date);
 * - only reminders of the expiry in effect today (an extension drops the old date's).
 * Alerts due in the future are included (the caller may limit how far ahead it plans).
 */
export function planMandateAlerts(sub: AlertSubscriptionRules, facts: MandateAlertFacts, opts: PlanOptions): PlannedAlert[] {
  const now = opts.now;
  const today = utcDate(now);
  const wants = new Set(sub.notify);
  const out: PlannedAlert[] = [];
  const make = (kind: AlertKind, targetDate: string, leadDays: number, dueAt: Date, factEventId: string | null): PlannedAlert => ({
    key: alertKey({ subscriptionId: sub.id, kind, mandateId: facts.mandateId, targetDate, leadDays, factEventId }),
    kind,
    mandateId: facts.mandateId,
    targetDate,
    leadDays,
    dueAt,
    factEventId,
    late: now.getTime() - dueAt.getTime() > LATE_AFTER_MS,
  });

  /** Reminders at each lead day before `date`; of those already due, only the latest. */
  const reminders = (kind: AlertKind, date: string, factEventId: string | null) => {
    if (!wants.has(kind) || date < today) return;
    const leads = [...new Set(sub.leadDays)].sort((a, b) => b - a); // earliest due first
    const planned = leads.map((lead) => make(kind, date, lead, reminderDueAt(date, lead, sub.timezone), factEventId));
    const due = planned.filter((p) => p.dueAt <= now);
    const latestDue = due.at(-1);
    for (const p of planned) if (p.dueAt > now || p === latestDue) out.push(p);
  };

  const current = expiryAsOf(facts, today);
  if (current && !current.terminated) {
    reminders('expiry_reminder', current.expiresOn, null);
    if (wants.has('mandate_expired')) {
      const dayAfter = addDays(current.expiresOn, 1);
      // Due on the day after the expiry; only while that day is at most backfillDays ago.
      if (daysBetween(dayAfter, today) <= opts.backfillDays) {
        out.push(make('mandate_expired', current.expiresOn, 0, zonedInstant(dayAfter, REMINDER_LOCAL_HOUR, 0, sub.timezone), null));
      }
    }
  }
  for (const r of facts.reports) reminders('report_due', r.dueOn, r.eventId);

  for (const t of facts.timeline) {
    const kind = NOTICE_KIND[t.kind];
    if (!wants.has(kind) || t.effectiveOn > today || daysBetween(t.effectiveOn, today) > opts.backfillDays) continue;
    // A fact recorded without its adoption date takes the recording date as its effective date:
    // "adopted today" would be a guess (an old press release imported today), so no notice.
    if (t.dateKnown === false) continue;
    // When what it set is already over (an extension until a past date), it is history being
    // imported, not news.
    if (t.expiresOn && daysBetween(t.expiresOn, today) > (t.kind === 'terminated' ? opts.backfillDays : 0)) continue;
    // Notices are due as soon as they are known: at the start of the adoption date.
    const notice = make(kind, t.effectiveOn, 0, new Date(`${t.effectiveOn}T00:00:00Z`), t.eventId);
    out.push({ ...notice, late: false });
  }
  return out;
}
