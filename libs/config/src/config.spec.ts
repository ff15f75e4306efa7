import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/mw');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the contract defaults for an empty environment', () => {
    const c = loadConfig({}, '/srv/mw');
    expect(c).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      dataDir: path.resolve('/srv/mw', '.data'),
      databaseUrl: undefined,
      redisUrl: 'redis://127.0.0.1:6379',
      redisUrlExplicit: false,
      mailFrom: 'Mandate Watch <alerts@localhost>',
      publicUrl: 'http://localhost:3000',
      clockControl: false,
      clockStart: undefined,
      notifyBackfillDays: 7,
      webhookAllowedHosts: [],
      dkim: undefined,
    });
  });

  it('reads every variable', () => {
    const c = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'postgresql://u@db:5432/mw',
        REDIS_URL: 'redis://cache:6379',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        MAIL_FROM: 'alerts@example.org',
        PUBLIC_URL: 'https://mw.example.org/',
        ADMIN_API_KEY: 'mw_abcdefgh12_' + 'A'.repeat(43),
        CLOCK_START: '2021-06-01T00:00:00Z',
        CLOCK_CONTROL: 'enabled',
        NOTIFY_BACKFILL_DAYS: '3',
        WEBHOOK_ALLOWED_HOSTS: 'localhost, 10.0.0.0/8,::1',
        DATA_DIR: '/var/lib/mw',
      },
      '/srv/mw',
    );
    expect(c).toMatchObject({
      port: 8080,
      redisUrlExplicit: true,
      publicUrl: 'https://mw.example.org',
      clockStart: new Date('2021-06-01T00:00:00Z'),
      clockStartAnchor: '2021-06-01T00:00:00Z',
      clockControl: true,
      notifyBackfillDays: 3,
      webhookAllowedHosts: ['localhost', '10.0.0.0/8', '::1'],
      dataDir: '/var/lib/mw',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '', CLOCK_START: '' }).databaseUrl).toBeUndefined();
  });

  it('names each wrong variable and why, all at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      CLOCK_START: 'yesterday',
      DATABASE_URL: 'mysql://x',
      ADMIN_API_KEY: 'secret',
      NOTIFY_BACKFILL_DAYS: '-1',
      WEBHOOK_ALLOWED_HOSTS: 'ok.example,10.0.0.0/99',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT: must be a whole number',
        'CLOCK_START: must be an ISO 8601 instant, e.g. 2021-06-01T00:00:00Z',
        expect.stringMatching(/^DATABASE_URL: must be a PostgreSQL URL/),
        expect.stringMatching(/^ADMIN_API_KEY: must look like mw_/),
        'NOTIFY_BACKFILL_DAYS: must be a whole number',
        'WEBHOOK_ALLOWED_HOSTS: `10.0.0.0/99` is neither a host name, an IP address nor a CIDR',
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('refuses clock control in production', () => {
    expect(problemsOf({ NODE_ENV: 'production', CLOCK_CONTROL: 'enabled' })).toEqual([
      'CLOCK_CONTROL: CLOCK_CONTROL=enabled is refused when NODE_ENV=production',
    ]);
    expect(loadConfig({ NODE_ENV: 'production', CLOCK_CONTROL: 'disabled', PUBLIC_URL: 'https://x.example', SECRETS_KEY: KEY }).warnings).toEqual([]);
  });

  it('needs the DKIM variables together', () => {
    expect(problemsOf({ DKIM_DOMAIN: 'example.org' })).toEqual([
      expect.stringMatching(/^DKIM_SELECTOR: must be set too/),
      expect.stringMatching(/^DKIM_PRIVATE_KEY: must be set too/),
    ]);
  });

  it('warns about plain-http public URLs in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', SECRETS_KEY: KEY }).warnings).toEqual([expect.stringMatching(/PUBLIC_URL is not https/)]);
  });

  it('SECRETS_KEY: unset by default (secrets stored as they are), a long random string when set, refused when malformed', () => {
    expect(loadConfig({}).secretsKey).toBeUndefined();
    expect(loadConfig({ SECRETS_KEY: '' }).secretsKey).toBeUndefined();
    expect(loadConfig({ SECRETS_KEY: KEY }).secretsKey).toBe(KEY);
    expect(problemsOf({ SECRETS_KEY: 'hunter2' })).toEqual([expect.stringMatching(/^SECRETS_KEY: must be at least 32 characters/)]);
    expect(problemsOf({ SECRETS_KEY: 'a'.repeat(40) })).toEqual(['SECRETS_KEY: is not random enough (fewer than 8 different characters)']);
    expect(problemsOf({ SECRETS_KEY: ` ${KEY}` })).toEqual(['SECRETS_KEY: must not start or end with spaces']);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://x.example' }).warnings).toEqual([expect.stringMatching(/SECRETS_KEY is not set/)]);
  });

  it('WORKER_METRICS_PORT: unset by default, a port when set', () => {
    expect(loadConfig({}).workerMetricsPort).toBeUndefined();
    expect(loadConfig({ WORKER_METRICS_PORT: '9464' }).workerMetricsPort).toBe(9464);
    expect(problemsOf({ WORKER_METRICS_PORT: '70000' })).toEqual(['WORKER_METRICS_PORT: must be between 0 and 65535']);
  });

  it('MW_DEMO (set by `npm run demo`): a demo run when set, not when unset or empty', () => {
    expect(loadConfig({}).demoRun).toBe(false);
    expect(loadConfig({ MW_DEMO: '' }).demoRun).toBe(false);
    expect(loadConfig({ MW_DEMO: '1' }).demoRun).toBe(true);
  });

  it('REDIS_PREFIX: plain, or with one hash tag for Redis Cluster; nothing BullMQ or Cluster would trip on', () => {
    for (const ok of ['mw', 'mw-prod_2', '{mw}', '{mw-prod}', 'mw{eu}', '{a}b']) expect(loadConfig({ REDIS_PREFIX: ok }, '/srv/mw').redisPrefix).toBe(ok);
    for (const bad of ['mw:prod', '{}', '{mw', 'mw}', '{a}{b}', '{{mw}}', '{m w}', 'x'.repeat(65)]) {
      expect(problemsOf({ REDIS_PREFIX: bad })[0], bad).toMatch(/^REDIS_PREFIX: must/);
    }
  });
});

const KEY = 'q3Jx9vH2mL0sT8wY4bN6cR1eK5uZ7aPd';
