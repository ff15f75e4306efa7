import type pg from 'pg';
import {
  alertId,
  daysBetween,
  DIGEST_KIND,
  digestKey,
  digestSlotAtOrAfter,
  digestSlotFor,
  LATE_AFTER_MS,
  expiryAsOf,
  planMandateAlerts,
  planReportAlerts,
  streamIds,
  utcDate,
  zonedDate,
  type MandateAlertFacts,
  type PlannedAlert,
} from '#libs/domain';
import type { AlertingClock } from './clock.js';
import { ENQUEUE_LOOKAHEAD_MS, PLANNING_HORIZON_DAYS } from './constants.js';
import type { DeliveryQueue } from './delivery-queue.js';
import type { DeliveryRepository, EnqueueableDelivery, PlannedDelivery } from './delivery-repository.js';
import { WEBHOOK_TYPES, type AlertPayload, type MandateSummary } from './payload.js';
import type { SubscriptionRecord, SubscriptionRepository } from './subscription-repository.js';

export interface SweepReport {
  businessNow: Date;
  planned: number;
  cancelled: number;
  enqueued: number;
}

interface MandateInfo {
  summary: Omit<MandateSummary, 'expiresOn'>;
  agendaItem: string | null;
  facts: MandateAlertFacts;
  decisions: Map<string, string | null>;
  reports: Map<string, { description: string; decision: string }>;
}

/** Due rows read and handed to BullMQ at a time by a sweep. */
const DUE_PAGE = 2000;

/** Any constant shared by every process: one sweep at a time across the deployment. */
const SWEEP_LOCK = 7_243_911_105;

/**
 * The schedule: reads the projections (expiry per mandate from `mandate_timeline`, report
 * requests) and the active subscriptions, plans every alert with the domain's rules, and makes
 * `deliveries` agree (insert new, re-plan pending, cancel what is no longer planned). Then it
 * hands what is due soon to BullMQ. PostgreSQL is the truth, so running it again (after a Redis
 * flush, days of downtime, a clock jump) recreates exactly what is missing.
 */
export class ExpiryScheduler {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: AlertingClock,
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly queue: DeliveryQueue,
    private readonly options: { backfillDays: number; publicUrl: string },
  ) {}

  async sweep(): Promise<SweepReport> {
    const client = await this.pool.connect();
    let businessNow: Date;
    let planned: PlannedDelivery[];
    let cancelled: number;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SWEEP_LOCK]);
      // Read the clock once the lock is ours: a sweep that waited must plan for the latest time.
      businessNow = this.clock.now();
      const today = utcDate(businessNow);
      const mandates = await this.loadMandates(client, today);
      const agendaReports = await this.loadAgendaItemReports(client, today);
      const subs = await this.subscriptions.active(client);
      planned = [];
      const horizon = businessNow.getTime() + PLANNING_HORIZON_DAYS * 86_400_000;
      for (const sub of subs) {
        for (const m of mandates.values()) {
          if (!inScope(sub, m)) continue;
          const alerts = planMandateAlerts(sub, m.facts, { now: businessNow, backfillDays: this.options.backfillDays });
          for (const a of alerts) if (a.dueAt.getTime() <= horizon) planned.push({ ...this.toDelivery(sub, m, a, businessNow, today), inDigest: isDigest(sub) });
        }
        const reports = agendaReports.filter((r) => sub.scope.all || (!!r.agendaItem && !!sub.scope.agendaItems?.includes(r.agendaItem.id)));
        if (reports.length > 0) {
          const byEvent = new Map(reports.map((r) => [r.eventId, r]));
          for (const a of planReportAlerts(sub, reports, { now: businessNow, backfillDays: this.options.backfillDays })) {
            if (a.dueAt.getTime() <= horizon) planned.push({ ...this.toReportDelivery(sub, byEvent.get(a.factEventId!)!, a, businessNow), inDigest: isDigest(sub) });
          }
        }
      }
      await this.deliveries.upsertPlanned(client, planned);
      const currentExpiry: Record<string, string | null> = {};
      for (const [id, m] of mandates) currentExpiry[id] = expiryAsOf(m.facts, today)?.expiresOn ?? null;
      cancelled = await this.deliveries.cancelUnplanned(
        client,
        planned.map((p) => p.alertKey),
        currentExpiry,
      );
      // Then the digests, from the alerts of digest subscriptions that no digest has taken yet.
      const digests = await this.planDigests(client, subs.filter(isDigest), businessNow);
      await this.deliveries.upsertPlanned(client, digests);
      cancelled += await this.deliveries.cancelUnplanned(
        client,
        digests.map((d) => d.alertKey),
        currentExpiry,
        [DIGEST_KIND],
      );
      planned.push(...digests);
      await client.query('UPDATE alert_scheduler_state SET last_sweep_at = clock_timestamp() WHERE id = 1');
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    // Every due row, page by page (a fan-out can make tens of thousands due at one instant).
    // Which rows are due is judged by the instant this sweep planned for: had the clock jumped
    // meanwhile, the rows due by the new time may include some that the new time no longer plans
    // (a reminder now past the backfill window), and a job for one could send it before the
    // sweep that the jump triggers cancels it. Job delays follow the clock as it is now.
    let enqueued = 0;
    for (let after: EnqueueableDelivery | null = null; ; ) {
      const due = await this.deliveries.dueSoon(businessNow, ENQUEUE_LOOKAHEAD_MS, after, DUE_PAGE);
      enqueued += await this.queue.enqueue(due, this.clock.now());
      if (due.length < DUE_PAGE) break;
      after = due[due.length - 1];
    }
    return { businessNow, planned: planned.length, cancelled, enqueued };
  }

  /**
   * One pending digest per digest subscription that has alerts waiting: at the first Monday 09:00
   * (its timezone) at or after the earliest of them, or, when that week's digest is gone already,
   * the next one. A week without alerts has no digest.
   */
  private async planDigests(db: pg.PoolClient, subs: SubscriptionRecord[], businessNow: Date): Promise<PlannedDelivery[]> {
    if (subs.length === 0) return [];
    const backlog = await this.deliveries.digestBacklog(db);
    const waiting = subs.filter((sub) => backlog.has(sub.id)).map((sub) => ({ sub, slot: digestSlotFor(backlog.get(sub.id)!, businessNow, sub.timezone) }));
    const taken = await this.deliveries.digestKeysTaken(db, waiting.map(({ sub, slot }) => digestKey(sub.id, slot, sub.timezone)));
    const out: PlannedDelivery[] = [];
    for (const { sub, slot: first } of waiting) {
      let slot = first;
      if (taken.has(digestKey(sub.id, slot, sub.timezone))) {
        slot = digestSlotAtOrAfter(new Date(Math.max(businessNow.getTime(), slot.getTime()) + 1), sub.timezone);
      }
      const key = digestKey(sub.id, slot, sub.timezone);
      const id = alertId(key);
      out.push({
        id,
        alertKey: key,
        subscriptionId: sub.id,
        kind: DIGEST_KIND,
        mandateId: null,
        targetDate: zonedDate(slot, sub.timezone),
        leadDays: 0,
        dueAt: slot,
        late: businessNow.getTime() - slot.getTime() > LATE_AFTER_MS,
        // The alerts it carries are added when it is first attempted.
        payload: { type: WEBHOOK_TYPES[DIGEST_KIND], timestamp: slot.toISOString(), data: { deliveryId: id, subscriptionId: sub.id, weekOf: zonedDate(slot, sub.timezone), consoleUrl: this.options.publicUrl } },
      });
    }
    return out;
  }

  /** Report deadlines not tied to a mandate (asked for under an agenda item), still ahead. */
  private async loadAgendaItemReports(db: pg.PoolClient, today: string): Promise<AgendaItemReport[]> {
    const { rows } = await db.query<{ event_id: string; due_on: string; decision: string; description: string; adopted_on: string | null; agenda_item: string | null; names: { en?: string } | null }>(
      `SELECT r.event_id, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.decision, r.description, to_char(r.adopted_on, 'YYYY-MM-DD') AS adopted_on,
          r.agenda_item, a.names
       FROM report_requests r LEFT JOIN agenda_items a ON a.id = r.agenda_item
       WHERE r.mandate_id IS NULL AND r.due_on >= $1 AND (r.adopted_on IS NULL OR r.adopted_on <= $1)`,
      [today],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      dueOn: r.due_on,
      decision: r.decision,
      description: r.description,
      adoptedOn: r.adopted_on,
      agendaItem: r.agenda_item ? { id: r.agenda_item, names: r.names ?? {} } : null,
    }));
  }

  private toReportDelivery(sub: SubscriptionRecord, r: AgendaItemReport, a: PlannedAlert, businessNow: Date): PlannedDelivery {
    const id = alertId(a.key);
    const readOn = zonedDate(a.dueAt > businessNow ? a.dueAt : businessNow, sub.timezone);
    const data: AlertPayload['data'] = {
      deliveryId: id,
      subscriptionId: sub.id,
      daysLeft: daysBetween(readOn, a.targetDate),
      leadDays: a.leadDays,
      report: { dueOn: a.targetDate, description: r.description, decision: r.decision },
      ...(r.agendaItem ? { agendaItem: r.agendaItem } : {}),
      ...(r.adoptedOn ? { decision: { symbol: r.decision, adoptedOn: r.adoptedOn } } : {}),
      consoleUrl: `${this.options.publicUrl}/events?streamId=${encodeURIComponent(streamIds.decision(r.decision))}`,
    };
    return {
      id,
      alertKey: a.key,
      subscriptionId: sub.id,
      kind: a.kind,
      mandateId: null,
      targetDate: a.targetDate,
      leadDays: a.leadDays,
      dueAt: a.dueAt,
      late: a.late,
      payload: { type: WEBHOOK_TYPES[a.kind], timestamp: a.dueAt.toISOString(), data },
    };
  }

  private async loadMandates(db: pg.PoolClient, today: string): Promise<Map<string, MandateInfo>> {
    const out = new Map<string, MandateInfo>();
    const mandates = await db.query<{ id: string; acronym: string | null; names: MandateSummary['names']; type: string; agenda_item: string | null }>(
      'SELECT id, acronym, names, type, agenda_item FROM mandates',
    );
    for (const m of mandates.rows) {
      out.set(m.id, {
        summary: { id: m.id, acronym: m.acronym, names: m.names, type: m.type },
        agendaItem: m.agenda_item,
        facts: { mandateId: m.id, timeline: [], reports: [] },
        decisions: new Map(),
        reports: new Map(),
      });
    }
    const timeline = await db.query<{
      event_id: string;
      mandate_id: string;
      kind: 'established' | 'extended' | 'terminated';
      effective_on: string;
      expires_on: string | null;
      decision: string | null;
      seq: string;
      date_known: boolean;
    }>('SELECT event_id, mandate_id, kind, effective_on, expires_on, decision, seq, date_known FROM mandate_timeline');
    for (const t of timeline.rows) {
      const m = out.get(t.mandate_id);
      if (!m) continue;
      m.facts.timeline.push({ eventId: t.event_id, kind: t.kind, effectiveOn: t.effective_on, expiresOn: t.expires_on, seq: Number(t.seq), dateKnown: t.date_known });
      m.decisions.set(t.event_id, t.decision);
    }
    // Report deadlines still ahead (the rules ignore past ones anyway). Requests not tied to a
    // mandate are planned apart (loadAgendaItemReports).
    const reports = await db.query<{ event_id: string; mandate_id: string; due_on: string; decision: string; description: string }>(
      'SELECT event_id, mandate_id, due_on, decision, description FROM report_requests WHERE mandate_id IS NOT NULL AND due_on >= $1 AND (adopted_on IS NULL OR adopted_on <= $1)',
      [today],
    );
    for (const r of reports.rows) {
      const m = out.get(r.mandate_id);
      if (!m) continue;
      m.facts.reports.push({ eventId: r.event_id, dueOn: r.due_on });
      m.reports.set(r.event_id, { description: r.description, decision: r.decision });
    }
    return out;
  }

  private toDelivery(sub: SubscriptionRecord, m: MandateInfo, a: PlannedAlert, businessNow: Date, today: string): PlannedDelivery {
    const id = alertId(a.key);
    const current = expiryAsOf(m.facts, today);
    const mandate: MandateSummary = { ...m.summary, expiresOn: a.kind === 'mandate_expired' ? a.targetDate : (current?.expiresOn ?? null) };
    // The date the subscriber reads the alert on: the due day in their timezone, or today if late.
    const readOn = zonedDate(a.dueAt > businessNow ? a.dueAt : businessNow, sub.timezone);
    const data: AlertPayload['data'] = { deliveryId: id, subscriptionId: sub.id, mandate };
    if (a.kind === 'expiry_reminder' || a.kind === 'report_due') {
      data.daysLeft = daysBetween(readOn, a.targetDate);
      data.leadDays = a.leadDays;
    }
    if (a.kind === 'report_due' && a.factEventId) {
      const r = m.reports.get(a.factEventId);
      if (r) data.report = { dueOn: a.targetDate, description: r.description, decision: r.decision };
    }
    if (a.factEventId && m.decisions.get(a.factEventId)) {
      data.decision = { symbol: m.decisions.get(a.factEventId)!, adoptedOn: a.targetDate };
    } else {
      const last = lastDecision(m, today);
      if (last) data.decision = last;
    }
    data.consoleUrl = `${this.options.publicUrl}/mandates/${encodeURIComponent(m.summary.id)}`;
    return {
      id,
      alertKey: a.key,
      subscriptionId: sub.id,
      kind: a.kind,
      mandateId: a.mandateId,
      targetDate: a.targetDate,
      leadDays: a.leadDays,
      dueAt: a.dueAt,
      late: a.late,
      payload: { type: WEBHOOK_TYPES[a.kind], timestamp: a.dueAt.toISOString(), data },
    };
  }
}

interface AgendaItemReport {
  eventId: string;
  dueOn: string;
  decision: string;
  description: string;
  adoptedOn: string | null;
  agendaItem: { id: string; names: { en?: string; zh?: string; fr?: string } } | null;
}

/** Digests are for email subscriptions (the API refuses them on webhooks). */
const isDigest = (sub: SubscriptionRecord) => sub.digest === 'weekly' && sub.channel === 'email';

function inScope(sub: SubscriptionRecord, m: MandateInfo): boolean {
  const s = sub.scope;
  if (s.all) return true;
  if (s.mandates?.includes(m.summary.id)) return true;
  return !!m.agendaItem && !!s.agendaItems?.includes(m.agendaItem);
}

/** The latest decision in effect today (the one the subscriber should look at). */
function lastDecision(m: MandateInfo, today: string): { symbol: string; adoptedOn: string } | null {
  let out: { symbol: string; adoptedOn: string } | null = null;
  const inEffect = m.facts.timeline
    .filter((t) => t.effectiveOn <= today)
    .sort((a, b) => (a.effectiveOn === b.effectiveOn ? a.seq - b.seq : a.effectiveOn < b.effectiveOn ? -1 : 1));
  for (const t of inEffect) {
    const symbol = m.decisions.get(t.eventId);
    if (symbol) out = { symbol, adoptedOn: t.effectiveOn };
  }
  return out;
}
