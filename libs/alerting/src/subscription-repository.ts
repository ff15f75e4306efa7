import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AlertKind } from '#libs/domain';
import { generateWebhookSecret, randomToken, type SecretSealer } from './secrets.js';

export type SubscriptionChannel = 'email' | 'webhook';
export type SubscriptionStatus = 'active' | 'pending_confirmation' | 'unsubscribed' | 'disabled';

export interface SubscriptionScope {
  all?: boolean;
  mandates?: string[];
  agendaItems?: string[];
}

export interface SubscriptionRecord {
  id: string;
  channel: SubscriptionChannel;
  address: string | null;
  url: string | null;
  scope: SubscriptionScope;
  leadDays: number[];
  timezone: string;
  notify: AlertKind[];
  digest: 'weekly' | null;
  status: SubscriptionStatus;
  disabledReason: string | null;
  ownerKeyId: string | null;
  unsubscribeToken: string;
  calendarToken: string;
  confirmToken: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSubscription {
  channel: SubscriptionChannel;
  address?: string | null;
  url?: string | null;
  scope: SubscriptionScope;
  leadDays: number[];
  timezone: string;
  notify: AlertKind[];
  digest: 'weekly' | null;
  status: SubscriptionStatus;
  ownerKeyId: string | null;
}

export type SubscriptionPatch = Partial<Pick<NewSubscription, 'address' | 'url' | 'scope' | 'leadDays' | 'timezone' | 'notify' | 'digest'>> & {
  status?: SubscriptionStatus;
  /** A new address that its owner must confirm: status pending_confirmation and a new confirm token. */
  reconfirm?: boolean;
};

/** How long a rotated-out webhook secret keeps signing (both signatures are sent meanwhile). */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 3_600_000;

const COLUMNS = `id, channel, address, url, scope, lead_days, timezone, notify, digest, status, disabled_reason, owner_key_id,
  unsubscribe_token, calendar_token, confirm_token, previous_secret_expires_at, failing_since, created_at, updated_at`;

interface Row {
  id: string;
  channel: SubscriptionChannel;
  address: string | null;
  url: string | null;
  scope: SubscriptionScope;
  lead_days: number[];
  timezone: string;
  notify: AlertKind[];
  digest: 'weekly' | null;
  status: SubscriptionStatus;
  disabled_reason: string | null;
  owner_key_id: string | null;
  unsubscribe_token: string;
  calendar_token: string;
  confirm_token: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: Row): SubscriptionRecord => ({
  id: r.id,
  channel: r.channel,
  address: r.address,
  url: r.url,
  scope: r.scope,
  leadDays: r.lead_days,
  timezone: r.timezone,
  notify: r.notify,
  digest: r.digest,
  status: r.status,
  disabledReason: r.disabled_reason,
  ownerKeyId: r.owner_key_id,
  unsubscribeToken: r.unsubscribe_token,
  calendarToken: r.calendar_token,
  confirmToken: r.confirm_token,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  failingSince: r.failing_since,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** A subscription as a sender sees it: with the secrets that sign its messages now. */
export type SendingSubscription = SubscriptionRecord & { signingSecrets: string[] };

const SECRET_COLUMNS = 'secret, previous_secret, previous_secret_expires_at > now() AS previous_valid';
interface SecretColumns {
  secret: string | null;
  previous_secret: string | null;
  previous_valid: boolean | null;
}

/** A subscription with its secret columns as `row_to_json` gives it (`sendingJsonSql`). */
export type SendingJson = Row & SecretColumns;

/**
 * Subscriptions in PostgreSQL. Every change bumps `alert_scheduler_state.revision` in the same
 * statement batch, which makes the workers sweep at once.
 */
export class SubscriptionRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly sealer: SecretSealer,
  ) {}

  /** Creates it; for a webhook returns the new signing secret (shown to the caller once). */
  async create(input: NewSubscription): Promise<{ subscription: SubscriptionRecord; secret: string | null }> {
    const secret = input.channel === 'webhook' ? generateWebhookSecret() : null;
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO subscriptions (id, channel, address, url, scope, lead_days, timezone, notify, digest, status, secret,
          unsubscribe_token, calendar_token, confirm_token, owner_key_id, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, CASE WHEN $10 = 'active' THEN now() END)
       RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        input.channel,
        input.address ?? null,
        input.url ?? null,
        JSON.stringify(input.scope),
        input.leadDays,
        input.timezone,
        input.notify,
        input.digest,
        input.status,
        secret ? this.sealer.seal(secret) : null,
        randomToken(),
        randomToken(),
        input.status === 'pending_confirmation' ? randomToken() : null,
        input.ownerKeyId,
      ],
    );
    await this.bumpRevision();
    return { subscription: toRecord(rows[0]), secret };
  }

  async get(id: string): Promise<SubscriptionRecord | null> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM subscriptions WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** A page in (created_at, id) order; `owner` limits to one key's subscriptions. */
  async list(opts: { owner?: string; after?: { createdAt: string; id: string }; limit: number }): Promise<SubscriptionRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM subscriptions
       WHERE ($1::text IS NULL OR owner_key_id = $1)
         AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
       ORDER BY created_at, id LIMIT $4`,
      [opts.owner ?? null, opts.after?.createdAt ?? null, opts.after?.id ?? null, opts.limit],
    );
    return rows.map(toRecord);
  }

  async update(id: string, patch: SubscriptionPatch): Promise<SubscriptionRecord | null> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (patch.address !== undefined) set('address', patch.address);
    if (patch.url !== undefined) set('url', patch.url);
    if (patch.scope !== undefined) set('scope', JSON.stringify(patch.scope));
    if (patch.leadDays !== undefined) set('lead_days', patch.leadDays);
    if (patch.timezone !== undefined) set('timezone', patch.timezone);
    if (patch.notify !== undefined) set('notify', patch.notify);
    if (patch.digest !== undefined) set('digest', patch.digest);
    if (patch.reconfirm) {
      set('status', 'pending_confirmation');
      set('confirm_token', randomToken());
      sets.push('confirmed_at = NULL');
    } else if (patch.status !== undefined) {
      set('status', patch.status);
      // Re-enabling a disabled endpoint starts its failure count afresh.
      if (patch.status === 'active') sets.push('disabled_reason = NULL', 'failing_since = NULL');
    }
    sets.push('updated_at = now()');
    const { rows } = await this.pool.query<Row>(`UPDATE subscriptions SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, values);
    if (rows[0]) await this.bumpRevision();
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM subscriptions WHERE id = $1', [id]);
    if (r.rowCount) await this.bumpRevision();
    return (r.rowCount ?? 0) > 0;
  }

  /** The secrets that sign a message now (real time): the current one, and the previous during the overlap. */
  async signingSecrets(id: string, db: Queryable = this.pool): Promise<string[]> {
    const { rows } = await db.query<SecretColumns>(`SELECT ${SECRET_COLUMNS} FROM subscriptions WHERE id = $1`, [id]);
    return this.openSecrets(rows[0]);
  }

  /**
   * What a worker needs to send one message, in one read: the subscription and the secrets that
   * sign now (none for email). Only for the sender: the secrets must never reach a response.
   */
  async getForSending(id: string): Promise<SendingSubscription | null> {
    const { rows } = await this.pool.query<Row & SecretColumns>(`SELECT ${COLUMNS}, ${SECRET_COLUMNS} FROM subscriptions WHERE id = $1`, [id]);
    return rows[0] ? { ...toRecord(rows[0]), signingSecrets: this.openSecrets(rows[0]) } : null;
  }

  /**
   * What `getForSending` reads, as one SQL expression (a JSON object, NULL when there is no such
   * subscription) for the subscription whose id is `idSql`: lets the delivery claim read it in
   * the same statement. Turn its value into a record with `sendingFromJson`.
   */
  sendingJsonSql(idSql: string): string {
    return `(SELECT row_to_json(x) FROM (SELECT ${COLUMNS}, ${SECRET_COLUMNS} FROM subscriptions WHERE id = ${idSql}) x)`;
  }

  sendingFromJson(json: SendingJson | null): SendingSubscription | null {
    if (!json) return null;
    // JSON carries timestamps as text.
    const date = (v: Date | string | null) => (v === null ? null : new Date(v));
    const row: Row = {
      ...json,
      previous_secret_expires_at: date(json.previous_secret_expires_at),
      failing_since: date(json.failing_since),
      created_at: date(json.created_at)!,
      updated_at: date(json.updated_at)!,
    };
    return { ...toRecord(row), signingSecrets: this.openSecrets(json) };
  }

  private openSecrets(r: SecretColumns | undefined): string[] {
    if (!r?.secret) return [];
    return [this.sealer.open(r.secret), ...(r.previous_secret && r.previous_valid ? [this.sealer.open(r.previous_secret)] : [])];
  }

  /** A new current secret; the old one keeps signing for 24 h (real time). */
  async rotateSecret(id: string): Promise<{ secret: string; previousSecretValidUntil: Date } | null> {
    const secret = generateWebhookSecret();
    const { rows } = await this.pool.query<{ previous_secret_expires_at: Date }>(
      `UPDATE subscriptions SET previous_secret = secret, secret = $2,
          previous_secret_expires_at = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
       WHERE id = $1 AND channel = 'webhook' RETURNING previous_secret_expires_at`,
      [id, this.sealer.seal(secret), SECRET_ROTATION_OVERLAP_MS],
    );
    return rows[0] ? { secret, previousSecretValidUntil: rows[0].previous_secret_expires_at } : null;
  }

  async findByToken(kind: 'unsubscribe' | 'calendar' | 'confirm', token: string): Promise<SubscriptionRecord | null> {
    const column = { unsubscribe: 'unsubscribe_token', calendar: 'calendar_token', confirm: 'confirm_token' }[kind];
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM subscriptions WHERE ${column} = $1`, [token]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Double opt-in: pending_confirmation → active. Idempotent (a second click finds it active). */
  async confirm(token: string): Promise<SubscriptionRecord | null> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE subscriptions SET status = CASE WHEN status = 'pending_confirmation' THEN 'active' ELSE status END,
          confirmed_at = COALESCE(confirmed_at, now()), updated_at = now()
       WHERE confirm_token = $1 RETURNING ${COLUMNS}`,
      [token],
    );
    if (rows[0]) await this.bumpRevision();
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async unsubscribe(token: string): Promise<SubscriptionRecord | null> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE subscriptions SET status = 'unsubscribed', updated_at = now() WHERE unsubscribe_token = $1 RETURNING ${COLUMNS}`,
      [token],
    );
    if (rows[0]) await this.bumpRevision();
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async active(db: Queryable = this.pool): Promise<SubscriptionRecord[]> {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM subscriptions WHERE status = 'active' ORDER BY id`);
    return rows.map(toRecord);
  }

  /** A webhook attempt failed: start (or keep) the failure clock; disable after `disableAfterMs` (real time). */
  async noteWebhookFailure(id: string, disableAfterMs: number, error: string): Promise<{ disabled: boolean }> {
    const { rows } = await this.pool.query<{ status: string }>(
      `UPDATE subscriptions SET failing_since = COALESCE(failing_since, now()),
          status = CASE WHEN COALESCE(failing_since, now()) <= now() - make_interval(secs => $2::double precision / 1000) THEN 'disabled' ELSE status END,
          disabled_reason = CASE WHEN COALESCE(failing_since, now()) <= now() - make_interval(secs => $2::double precision / 1000)
            THEN $3 ELSE disabled_reason END,
          updated_at = now()
       WHERE id = $1 RETURNING status`,
      [id, disableAfterMs, `every delivery failed for 5 days; last error: ${error}`.slice(0, 500)],
    );
    const disabled = rows[0]?.status === 'disabled';
    if (disabled) await this.bumpRevision();
    return { disabled };
  }

  async noteWebhookSuccess(id: string): Promise<void> {
    await this.pool.query(`UPDATE subscriptions SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [id]);
  }

  async disable(id: string, reason: string): Promise<void> {
    await this.pool.query(`UPDATE subscriptions SET status = 'disabled', disabled_reason = $2, updated_at = now() WHERE id = $1`, [id, reason.slice(0, 500)]);
    await this.bumpRevision();
  }

  /** Tells the workers that subscriptions or deliveries changed (they sweep on the next poll). */
  async bumpRevision(db: Queryable = this.pool): Promise<void> {
    await db.query('UPDATE alert_scheduler_state SET revision = revision + 1 WHERE id = 1');
  }
}
