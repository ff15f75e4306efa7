import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { alertId, alertKey, ALERT_KINDS, DIGEST_KIND, LATE_AFTER_MS, type DeliveryKind } from '#libs/domain';
import type { AlertPayload } from './payload.js';

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'cancelled';

export interface DeliveryRecord {
  id: string;
  alertKey: string;
  subscriptionId: string;
  kind: DeliveryKind;
  mandateId: string | null;
  targetDate: string | null;
  leadDays: number | null;
  dueAt: Date;
  status: DeliveryStatus;
  cancelReason: string | null;
  attempts: number;
  lastError: string | null;
  late: boolean;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  payload: AlertPayload;
  /** An alert of a digest subscription: never sent alone, carried by a weekly digest. */
  inDigest: boolean;
  /** The digest that carries (or carried) it, once that digest was first attempted. */
  digestId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A delivery the scheduler wants to exist (pending) after this sweep. */
export interface PlannedDelivery {
  id: string;
  alertKey: string;
  subscriptionId: string;
  kind: DeliveryKind;
  mandateId: string | null;
  targetDate: string;
  leadDays: number;
  dueAt: Date;
  late: boolean;
  payload: AlertPayload;
  inDigest?: boolean;
}

/** What the queue needs to (re)create a job for a pending delivery. */
export interface EnqueueableDelivery {
  id: string;
  attempts: number;
  dueAt: Date;
  nextAttemptAt: Date | null;
}

const COLUMNS = `id, alert_key, subscription_id, kind, mandate_id, target_date, lead_days, due_at, status, cancel_reason,
  attempts, last_error, late, next_attempt_at, sent_at, payload, in_digest, digest_id, created_at, updated_at`;

interface Row {
  id: string;
  alert_key: string;
  subscription_id: string;
  kind: DeliveryKind;
  mandate_id: string | null;
  target_date: string | null;
  lead_days: number | null;
  due_at: Date;
  status: DeliveryStatus;
  cancel_reason: string | null;
  attempts: number;
  last_error: string | null;
  late: boolean;
  next_attempt_at: Date | null;
  sent_at: Date | null;
  payload: AlertPayload;
  in_digest: boolean;
  digest_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: Row): DeliveryRecord => ({
  id: r.id,
  alertKey: r.alert_key,
  subscriptionId: r.subscription_id,
  kind: r.kind,
  mandateId: r.mandate_id,
  targetDate: r.target_date,
  leadDays: r.lead_days,
  dueAt: r.due_at,
  status: r.status,
  cancelReason: r.cancel_reason,
  attempts: r.attempts,
  lastError: r.last_error,
  late: r.late,
  nextAttemptAt: r.next_attempt_at,
  sentAt: r.sent_at,
  payload: r.payload,
  inDigest: r.in_digest,
  digestId: r.digest_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Is the row free to be taken (no worker holds a live lease on it)? `now()` is real time. */
const UNLEASED = '(locked_until IS NULL OR locked_until < now())';

/**
 * The rows of `$1` (uuid[]), locked in id order first: statements that update several rows lock
 * them in one order, so two of them at once (two workers) wait for each other, never deadlock.
 */
const LOCK_IN_ID_ORDER = 'locked AS (SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE)';

/**
 * A named (prepared) statement, for the statements every send runs: PostgreSQL parses and plans
 * them once per connection instead of once per call. Planning the claim (CTEs, a subquery) cost
 * about as much backend CPU as running it for a dozen rows. The name carries a hash of the text,
 * so callers that vary the text (claimMany's `also`) get one prepared statement per variant.
 */
function prepared(name: string, text: string, values: unknown[]): pg.QueryConfig {
  let full = preparedNames.get(text);
  if (!full) {
    full = `${name}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
    preparedNames.set(text, full);
  }
  return { name: full, text, values };
}
const preparedNames = new Map<string, string>();

/**
 * The `deliveries` table: the truth about every alert. State changes are single conditional
 * UPDATEs (compare-and-set on status and lease), so concurrent sweeps and workers cannot both win.
 */
export class DeliveryRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Inserts the planned deliveries; existing ones that are still pending (or were cancelled by an
   * earlier sweep because they were no longer planned, e.g. before the clock was moved back) are
   * re-planned: due time, lateness, and the payload as long as nothing was attempted yet.
   */
  async upsertPlanned(db: pg.PoolClient, planned: PlannedDelivery[]): Promise<void> {
    // Rows are locked in id order (ON CONFLICT locks each existing row, updated or not), the order
    // in which claims and "sent" marks lock theirs: in any other order, a sweep and a worker's mark
    // of the same rows could deadlock, and the mark PostgreSQL aborted left a delivered message
    // pending until its lease ran out — then it was sent again (found by bench/fanout.ts). Sorted
    // here for the order across chunks; the statement's ORDER BY guarantees it within one.
    const byId = [...planned].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 0; i < byId.length; i += 1000) {
      const chunk = byId.slice(i, i + 1000).map((p) => ({
        id: p.id,
        alert_key: p.alertKey,
        subscription_id: p.subscriptionId,
        kind: p.kind,
        mandate_id: p.mandateId,
        target_date: p.targetDate,
        lead_days: p.leadDays,
        due_at: p.dueAt.toISOString(),
        late: p.late,
        payload: p.payload,
        in_digest: p.inDigest ?? false,
      }));
      // An alert already taken into a digest (digest_id set) is that digest's: left as it is.
      await db.query(
        `INSERT INTO deliveries (id, alert_key, subscription_id, kind, mandate_id, target_date, lead_days, due_at, late, payload, in_digest)
         SELECT x.id, x.alert_key, x.subscription_id, x.kind, x.mandate_id, x.target_date, x.lead_days, x.due_at, x.late, x.payload, x.in_digest
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, alert_key text, subscription_id uuid, kind text, mandate_id text,
            target_date date, lead_days int, due_at timestamptz, late boolean, payload jsonb, in_digest boolean)
         ORDER BY x.id
         ON CONFLICT (alert_key) DO UPDATE SET
            due_at = EXCLUDED.due_at,
            late = EXCLUDED.late,
            in_digest = EXCLUDED.in_digest,
            payload = CASE WHEN deliveries.attempts = 0 THEN EXCLUDED.payload ELSE deliveries.payload END,
            status = 'pending', cancel_reason = NULL, updated_at = now()
         WHERE deliveries.digest_id IS NULL AND (
            (deliveries.status = 'pending' AND (deliveries.locked_until IS NULL OR deliveries.locked_until < now())
              AND (deliveries.due_at IS DISTINCT FROM EXCLUDED.due_at OR deliveries.late IS DISTINCT FROM EXCLUDED.late
                   OR deliveries.in_digest IS DISTINCT FROM EXCLUDED.in_digest
                   OR (deliveries.attempts = 0 AND deliveries.payload IS DISTINCT FROM EXCLUDED.payload)))
            OR (deliveries.status = 'cancelled' AND deliveries.cancel_reason LIKE 'no longer planned%'))`,
        [JSON.stringify(chunk)],
      );
    }
  }

  /**
   * Cancels pending planned deliveries that this sweep did not plan: the mandate's expiry moved
   * (extension), a later reminder superseded them, or the subscription changed; and reminders
   * whose date already got a later reminder sent. Returns how many.
   */
  async cancelUnplanned(
    db: pg.PoolClient,
    plannedKeys: string[],
    currentExpiry: Record<string, string | null>,
    kinds: readonly DeliveryKind[] = ALERT_KINDS,
  ): Promise<number> {
    const r = await db.query(
      `UPDATE deliveries SET status = 'cancelled', updated_at = now(),
          cancel_reason = CASE
            WHEN kind IN ('expiry_reminder', 'mandate_expired') AND target_date IS DISTINCT FROM ($2::jsonb ->> mandate_id)::date
              THEN 'no longer planned: the mandate''s expiry changed'
            ELSE 'no longer planned: superseded, out of the schedule, or the subscription changed' END
       WHERE status = 'pending' AND kind = ANY($3::text[]) AND ${UNLEASED}
         AND digest_id IS NULL AND NOT (kind = '${DIGEST_KIND}' AND attempts > 0)
         AND NOT (alert_key = ANY($1::text[]))`,
      [plannedKeys, JSON.stringify(currentExpiry), kinds],
    );
    // A reminder of a date for which a later one (smaller lead) was already sent is stale, even
    // when the rules plan it again (the clock moved back): the subscriber has the newer one. The
    // reason does not start with "no longer planned", so upsertPlanned never revives it. Report
    // requests of an agenda item have no mandate: coalesce keeps the join a hash join.
    if (!kinds.includes('expiry_reminder') && !kinds.includes('report_due')) return r.rowCount ?? 0;
    const superseded = await db.query(
      `UPDATE deliveries d SET status = 'cancelled', updated_at = now(),
          cancel_reason = 'superseded: a later reminder of the same date was already sent'
       WHERE d.status = 'pending' AND d.kind IN ('expiry_reminder', 'report_due') AND ${UNLEASED} AND d.digest_id IS NULL
         AND EXISTS (SELECT 1 FROM deliveries s WHERE s.status = 'sent' AND s.subscription_id = d.subscription_id AND s.kind = d.kind
           AND coalesce(s.mandate_id, '') = coalesce(d.mandate_id, '') AND s.target_date = d.target_date AND s.lead_days < d.lead_days
           AND split_part(s.alert_key, '|', 6) = split_part(d.alert_key, '|', 6))`,
    );
    return (r.rowCount ?? 0) + (superseded.rowCount ?? 0);
  }

  /**
   * Pending deliveries due (business time) or retryable (real time) within `lookaheadMs`, a page
   * of at most `limit` in (due_at, id) order after `after` (the last row of the previous page).
   */
  async dueSoon(businessNow: Date, lookaheadMs: number, after: EnqueueableDelivery | null = null, limit = 5000): Promise<EnqueueableDelivery[]> {
    const horizon = new Date(businessNow.getTime() + lookaheadMs);
    const { rows } = await this.pool.query<{ id: string; attempts: number; due_at: Date; next_attempt_at: Date | null }>(
      `SELECT id, attempts, due_at, next_attempt_at FROM deliveries
       WHERE status = 'pending' AND due_at <= $1 AND ${UNLEASED} AND NOT in_digest
         AND (next_attempt_at IS NULL OR next_attempt_at <= now() + make_interval(secs => $2::double precision / 1000))
         AND ($3::timestamptz IS NULL OR (due_at, id) > ($3::timestamptz, $4::uuid))
       ORDER BY due_at, id LIMIT $5`,
      [horizon, lookaheadMs, after?.dueAt ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({ id: r.id, attempts: r.attempts, dueAt: r.due_at, nextAttemptAt: r.next_attempt_at }));
  }

  /**
   * Takes the delivery for one send: only if it is pending, due by the business clock, past its
   * backoff, and no other worker holds it. Counts the attempt. Null: nothing to do now.
   */
  async claim(id: string, businessNow: Date, leaseMs: number): Promise<DeliveryRecord | null> {
    return (await this.claimMany([id], businessNow, leaseMs))[0]?.delivery ?? null;
  }

  /**
   * `claim` for several deliveries in one statement (one round trip, one commit), in the order of
   * `ids` (null: not taken, or taken for an earlier place of the same id), each with `also`: an SQL expression over the claimed row `c` (e.g.
   * its subscription as JSON) read in the same statement, returned as `extra`.
   */
  async claimMany<T = never>(ids: string[], businessNow: Date, leaseMs: number, also?: string): Promise<({ delivery: DeliveryRecord; extra: T } | null)[]> {
    // A digest takes its alerts in the same statement as its first attempt: every alert of its
    // subscription that is pending, due by the digest's due time and in no other digest. Later
    // attempts (a resend after a crash) carry the same ones, so it is the same message.
    // Lateness is settled at the first attempt too, by the clock that sends it (the plan's flag
    // may predate a clock jump that the sweep has not re-planned yet), and never changes after.
    const text = `WITH ${LOCK_IN_ID_ORDER},
       claimed AS (
         UPDATE deliveries SET locked_until = now() + make_interval(secs => $3::double precision / 1000),
             late = CASE WHEN attempts = 0 THEN late OR $2::timestamptz - due_at > make_interval(secs => $4::double precision / 1000) ELSE late END,
             attempts = attempts + 1, updated_at = now()
         WHERE id IN (SELECT id FROM locked) AND status = 'pending' AND due_at <= $2 AND ${UNLEASED} AND NOT in_digest
           AND (next_attempt_at IS NULL OR next_attempt_at <= now())
         RETURNING ${COLUMNS}),
       taken AS (
         -- Two digests of one subscription claimed together: each alert goes to the earlier one.
         UPDATE deliveries i SET digest_id = t.digest_id, updated_at = now()
         FROM (SELECT DISTINCT ON (a.id) a.id, c.id AS digest_id FROM claimed c JOIN deliveries a ON a.subscription_id = c.subscription_id
               WHERE c.kind = '${DIGEST_KIND}' AND c.attempts = 1
                 AND a.in_digest AND a.digest_id IS NULL AND a.status = 'pending' AND a.due_at <= c.due_at
               ORDER BY a.id, c.due_at, c.id) t
         WHERE i.id = t.id AND i.in_digest AND i.digest_id IS NULL AND i.status = 'pending')
       SELECT c.*${also ? `, ${also} AS extra` : ''} FROM claimed c`;
    const { rows } = await this.pool.query<Row & { extra: T }>(prepared('mw_claim_many', text, [ids, businessNow, leaseMs, LATE_AFTER_MS]));
    const byId = new Map(rows.map((r) => [r.id, { delivery: toRecord(r), extra: r.extra }]));
    // An id asked twice (two jobs of one delivery at once) was taken once: the first gets it.
    return ids.map((id) => {
      const taken = byId.get(id) ?? null;
      byId.delete(id);
      return taken;
    });
  }

  /** Per digest subscription: the due time of its earliest alert not yet taken into a digest. */
  async digestBacklog(db: pg.PoolClient): Promise<Map<string, Date>> {
    const { rows } = await db.query<{ subscription_id: string; first_due: Date }>(
      `SELECT subscription_id, min(due_at) AS first_due FROM deliveries
       WHERE in_digest AND digest_id IS NULL AND status = 'pending' GROUP BY subscription_id`,
    );
    return new Map(rows.map((r) => [r.subscription_id, r.first_due]));
  }

  /**
   * Of these digest keys, the ones that can no longer be planned: that week's digest was already
   * sent, failed, was cancelled for another reason than planning, or has taken its alerts.
   */
  async digestKeysTaken(db: pg.PoolClient, keys: string[]): Promise<Set<string>> {
    const { rows } = await db.query<{ alert_key: string }>(
      `SELECT alert_key FROM deliveries WHERE alert_key = ANY($1::text[])
         AND NOT ((status = 'pending' AND attempts = 0) OR (status = 'cancelled' AND cancel_reason LIKE 'no longer planned%'))`,
      [keys],
    );
    return new Set(rows.map((r) => r.alert_key));
  }

  /** The alerts a digest carries (taken when it was first attempted), in the order they fell due. */
  async digestItems(digestId: string): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM deliveries WHERE digest_id = $1 ORDER BY due_at, kind, id`, [digestId]);
    return rows.map(toRecord);
  }

  /** The digest's payload once its items are known (the API shows what it carried). */
  async setPayload(id: string, payload: AlertPayload): Promise<void> {
    await this.pool.query(`UPDATE deliveries SET payload = $2, updated_at = now() WHERE id = $1 AND status = 'pending'`, [id, JSON.stringify(payload)]);
  }

  /** The alerts of a digest follow it: sent with it, failed or cancelled with it. */
  async settleDigestItems(digestId: string, status: 'sent' | 'failed' | 'cancelled', reason?: string): Promise<void> {
    await this.pool.query(
      `UPDATE deliveries SET status = $2, sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END,
          last_error = CASE WHEN $2 = 'failed' THEN $3 ELSE last_error END,
          cancel_reason = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancel_reason END, updated_at = now()
       WHERE digest_id = $1 AND status IN ('pending', 'failed')`,
      [digestId, status, reason ?? null],
    );
  }

  async markSent(id: string): Promise<void> {
    await this.markSentMany([id]);
  }

  /** `markSent` for several deliveries in one statement (one commit). */
  async markSentMany(ids: string[]): Promise<void> {
    await this.pool.query(
      prepared(
        'mw_mark_sent_many',
        `WITH ${LOCK_IN_ID_ORDER}
       UPDATE deliveries SET status = 'sent', sent_at = now(), locked_until = NULL, next_attempt_at = NULL, last_error = NULL, updated_at = now()
       WHERE id IN (SELECT id FROM locked) AND status = 'pending'`,
        [ids],
      ),
    );
  }

  async scheduleRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE deliveries SET locked_until = NULL, next_attempt_at = $2, last_error = $3, updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [id, nextAttemptAt, error.slice(0, 1000)],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE deliveries SET status = 'failed', locked_until = NULL, next_attempt_at = NULL, last_error = $2, updated_at = now()
       WHERE id = $1 AND status = 'pending'`,
      [id, error.slice(0, 1000)],
    );
  }

  async markCancelled(id: string, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE deliveries SET status = 'cancelled', cancel_reason = $2, locked_until = NULL, updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [id, reason],
    );
  }

  /** Manual retry of a failed (or cancelled) delivery: pending again, due now, attempts afresh. */
  async retry(id: string): Promise<DeliveryRecord | null> {
    const { rows } = await this.pool.query<Row>(
      // An alert of a digest retried on its own goes into the next digest.
      `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = NULL, locked_until = NULL, cancel_reason = NULL,
          last_error = NULL, digest_id = NULL, updated_at = now()
       WHERE id = $1 AND status IN ('failed', 'cancelled') RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** A delivery made on request (test ping, confirmation email), due at `dueAt` (business time). */
  async createOneOff(subscriptionId: string, kind: 'subscription_test' | 'subscription_confirmation', dueAt: Date, payload: (id: string) => AlertPayload): Promise<DeliveryRecord> {
    const key = alertKey({ subscriptionId, kind, mandateId: '', targetDate: dueAt.toISOString(), leadDays: 0, factEventId: randomUUID() });
    const id = alertId(key);
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO deliveries (id, alert_key, subscription_id, kind, due_at, payload) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [id, key, subscriptionId, kind, dueAt, JSON.stringify(payload(id))],
    );
    await this.pool.query('UPDATE alert_scheduler_state SET revision = revision + 1 WHERE id = 1');
    return toRecord(rows[0]);
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM deliveries WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** A page, newest first: by subscription, status, and (for non-admins) the subscriptions' owner. */
  async list(opts: {
    subscriptionId?: string;
    status?: DeliveryStatus;
    owner?: string;
    before?: { createdAt: string; id: string };
    limit: number;
  }): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS.split(',').map((c) => `d.${c.trim()}`).join(', ')} FROM deliveries d
       JOIN subscriptions s ON s.id = d.subscription_id
       WHERE ($1::uuid IS NULL OR d.subscription_id = $1) AND ($2::text IS NULL OR d.status = $2)
         AND ($3::text IS NULL OR s.owner_key_id = $3)
         AND ($4::timestamptz IS NULL OR (d.created_at, d.id) < ($4::timestamptz, $5::uuid))
       ORDER BY d.created_at DESC, d.id DESC LIMIT $6`,
      [opts.subscriptionId ?? null, opts.status ?? null, opts.owner ?? null, opts.before?.createdAt ?? null, opts.before?.id ?? null, opts.limit],
    );
    return rows.map(toRecord);
  }

  /** Every delivery of a subscription (tests, the calendar). */
  async forSubscription(subscriptionId: string): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM deliveries WHERE subscription_id = $1 ORDER BY due_at, id`, [subscriptionId]);
    return rows.map(toRecord);
  }
}
