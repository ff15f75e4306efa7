import ical, { ICalCalendarMethod } from 'ical-generator';
import type pg from 'pg';
import { addDays, daysBetween, expiryAsOf, utcDate, type MandateAlertFacts } from '#libs/domain';
import type { SubscriptionRecord } from './subscription-repository.js';

/**
 * The iCalendar feed (RFC 5545) of a subscription: one all-day event on each upcoming expiry of
 * the mandates in its scope. The UID names the mandate and the date, so a calendar that re-reads
 * the feed after an extension drops the old date's event and shows the new one.
 */
export class CalendarFeed {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { publicUrl: string },
  ) {}

  async render(sub: SubscriptionRecord, businessNow: Date): Promise<string> {
    const today = utcDate(businessNow);
    const mandates = await this.pool.query<{ id: string; acronym: string | null; names: { en?: string }; agenda_item: string | null; last_decision: { symbol: string } | null }>(
      'SELECT id, acronym, names, agenda_item, last_decision FROM mandates ORDER BY id',
    );
    const timeline = await this.pool.query<{ event_id: string; mandate_id: string; kind: 'established' | 'extended' | 'terminated'; effective_on: string; expires_on: string | null; seq: string }>(
      'SELECT event_id, mandate_id, kind, effective_on, expires_on, seq FROM mandate_timeline',
    );
    const facts = new Map<string, MandateAlertFacts>();
    for (const t of timeline.rows) {
      const f = facts.get(t.mandate_id) ?? { mandateId: t.mandate_id, timeline: [], reports: [] };
      f.timeline.push({ eventId: t.event_id, kind: t.kind, effectiveOn: t.effective_on, expiresOn: t.expires_on, seq: Number(t.seq) });
      facts.set(t.mandate_id, f);
    }
    const host = new URL(this.options.publicUrl).hostname || 'mandate-watch';
    const calendar = ical({ name: 'Mandate Watch — mandate expiries', prodId: { company: 'Mandate Watch', product: 'mandate-watch', language: 'EN' }, method: ICalCalendarMethod.PUBLISH, ttl: 3600 });
    for (const m of mandates.rows) {
      const inScope = sub.scope.all || sub.scope.mandates?.includes(m.id) || (!!m.agenda_item && !!sub.scope.agendaItems?.includes(m.agenda_item));
      const f = facts.get(m.id);
      if (!inScope || !f) continue;
      const current = expiryAsOf(f, today);
      if (!current || current.expiresOn < today) continue;
      const label = m.acronym ?? m.names.en ?? m.id;
      calendar.createEvent({
        id: `mandate-${m.id}-expiry-${current.expiresOn}@${host}`,
        allDay: true,
        start: new Date(`${current.expiresOn}T00:00:00Z`),
        end: new Date(`${addDays(current.expiresOn, 1)}T00:00:00Z`),
        summary: current.terminated ? `${label}: last day (terminated)` : `${label} mandate expires`,
        description: `${m.names.en ?? label} is in force until ${current.expiresOn} (${daysBetween(today, current.expiresOn)} days from ${today}).`,
        url: `${this.options.publicUrl}/mandates/${encodeURIComponent(m.id)}`,
        stamp: businessNow,
      });
    }
    return calendar.toString();
  }
}
