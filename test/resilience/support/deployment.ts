import { DeliveryRepository, SecretSealer, SubscriptionRepository } from '#libs/alerting';
import { BusinessClock } from '#libs/clock';
import { createPool } from '#libs/db';
import { upcast } from '#libs/domain';
import { EventStore } from '#libs/event-store';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { appendFact, flushPrefix, MINUSMA, REDIS_URL, testPrefix, TestSmtpServer, TestWebhookReceiver } from '../../alerting/support.js';
import { spawnSourceWorker, type Child } from '../../support/children.js';

/**
 * A deployment for worker-process scenarios: a database of its own, Redis under a prefix of its
 * own (the shared one, or the test's own instance), a real SMTP server and HTTP receiver, and
 * worker processes (`npm run start:worker` from the sources) started on demand.
 */
export class Deployment {
  db!: TestDatabase;
  pool!: ReturnType<typeof createPool>;
  deliveries!: DeliveryRepository;
  readonly prefix: string;
  readonly smtp = new TestSmtpServer();
  readonly receiver = new TestWebhookReceiver();
  readonly workers: Child[] = [];

  constructor(
    readonly label: string,
    readonly redis: { url: string; prefix?: string; own?: boolean } = { url: REDIS_URL },
  ) {
    this.prefix = redis.prefix ?? testPrefix(label);
  }

  /** `mandates` mandates whose 30-day reminder is due now, for an email and a webhook subscriber. */
  async start(mandates: number): Promise<void> {
    this.db = await createTestDatabase(this.label);
    this.pool = createPool(this.db.url);
    this.deliveries = new DeliveryRepository(this.pool);
    await this.smtp.start();
    await this.receiver.start();
    const store = new EventStore(this.pool, { upcast, notifyChannel: 'mw_events' });
    for (let i = 0; i < mandates; i++) {
      await appendFact(store, `mandate-${this.label}-${i}`, 'MandateEstablished', { ...MINUSMA, mandateId: `${this.label}-${i}`, acronym: `W${i}`, names: { en: `Worker ${i}` }, expiresOn: '2021-06-30' });
    }
    const subs = new SubscriptionRepository(this.pool, new SecretSealer());
    const common = { scope: { all: true }, leadDays: [30], timezone: 'UTC', notify: ['expiry_reminder'] as never, digest: null, status: 'active' as const, ownerKeyId: null };
    await subs.create({ ...common, channel: 'email', address: 'desk@example.org' });
    this.receiver.secret = (await subs.create({ ...common, channel: 'webhook', url: this.receiver.url })).secret;
    const clock = await BusinessClock.start({ connectionString: this.db.url });
    await clock.set(new Date('2021-05-31T09:05:00Z'));
    await clock.close();
  }

  startWorker(): Child {
    const w = spawnSourceWorker({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: this.db.url,
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      SMTP_URL: this.smtp.url,
      PUBLIC_URL: 'https://watch.example.org',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      DATA_DIR: `/tmp/${this.prefix}`,
    });
    this.workers.push(w);
    return w;
  }

  async counts(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.kill('SIGKILL')));
    await this.receiver.stop();
    await this.smtp.stop();
    await this.pool?.end();
    await this.db?.drop();
    if (!this.redis.own) await flushPrefix(this.prefix); // leave the shared Redis as it was
  }
}

