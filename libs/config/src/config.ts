import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable the processes read, validated once at start. A process that is
 * misconfigured prints the ConfigError's message (one line per wrong variable) and exits 1,
 * instead of failing later in some request.
 */

export const API_KEY_PATTERN = /^mw_([a-z0-9]{10})_([A-Za-z0-9_-]{22,})$/;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An empty variable (`FOO=` in a compose file or .env) means "unset", not "empty string". */
const optionalString = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().optional());

function urlWithProtocols(protocols: string[], what: string) {
  return z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a ${what} URL (${protocols.map((p) => p + '//').join(' or ')}…)` },
  );
}

const hostOrCidr = (entry: string): boolean => {
  const [addr, bits, ...rest] = entry.split('/');
  if (rest.length) return false;
  if (bits !== undefined) {
    const family = isIP(addr);
    const n = Number(bits);
    return family !== 0 && /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
  }
  return isIP(addr) !== 0 || /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(addr);
};

const integerString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `must be between ${min} and ${max}` });

export const envSchema = z
  .object({
    NODE_ENV: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['development', 'production', 'test']).default('development')),
    LOG_LEVEL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOG_LEVELS).default('info')),
    PORT: z.preprocess((v) => (v === '' || v === undefined ? '3000' : v), integerString(0, 65535)),
    DATA_DIR: z.preprocess((v) => (v === '' || v === undefined ? '.data' : v), z.string()),
    DATABASE_URL: optionalString.pipe(urlWithProtocols(['postgres:', 'postgresql:'], 'PostgreSQL').optional()),
    REDIS_URL: optionalString.pipe(urlWithProtocols(['redis:', 'rediss:'], 'Redis').optional()),
    /**
     * Extension: every Redis key (BullMQ queues) starts with this, so deployments/tests can share a
     * Redis. On Redis Cluster it must hold a hash tag (`{mw}`): a BullMQ queue's keys must share one
     * hash slot, and Redis hashes only the part between the first `{` and the next `}`.
     */
    REDIS_PREFIX: z.preprocess(
      (v) => (v === '' || v === undefined ? 'mw' : v),
      z
        .string()
        .max(64, { message: 'must be at most 64 characters' })
        .regex(/^(?=.)[A-Za-z0-9_-]*(\{[A-Za-z0-9_-]+\})?[A-Za-z0-9_-]*$/, {
          message: 'must be letters, digits, _ or -, with at most one non-empty {hash tag} for Redis Cluster (e.g. {mw}); BullMQ refuses :',
        }),
    ),
    SMTP_URL: optionalString.pipe(urlWithProtocols(['smtp:', 'smtps:'], 'SMTP').optional()),
    MAIL_FROM: z.preprocess(
      (v) => (v === '' || v === undefined ? 'Mandate Watch <alerts@localhost>' : v),
      z.string().regex(/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, { message: 'must be an address like `Name <user@host>` or `user@host`' }),
    ),
    PUBLIC_URL: optionalString.pipe(urlWithProtocols(['http:', 'https:'], 'http(s)').optional()),
    ADMIN_API_KEY: optionalString.pipe(
      z.string().regex(API_KEY_PATTERN, { message: 'must look like mw_<10 lowercase letters/digits>_<at least 22 base64url characters (128 bits)>' }).optional(),
    ),
    CLOCK_START: optionalString.pipe(z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant, e.g. 2021-06-01T00:00:00Z' }).optional()),
    CLOCK_CONTROL: z.preprocess((v) => (v === '' || v === undefined ? 'disabled' : v), z.enum(['enabled', 'disabled'], { message: 'must be `enabled` or `disabled`' })),
    NOTIFY_BACKFILL_DAYS: z.preprocess((v) => (v === '' || v === undefined ? '7' : v), integerString(0, 36_500)),
    WEBHOOK_ALLOWED_HOSTS: z.preprocess(
      (v) => (typeof v === 'string' ? v : ''),
      z
        .string()
        .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
        .superRefine((list, ctx) => {
          for (const entry of list) if (!hostOrCidr(entry)) ctx.addIssue({ code: 'custom', message: `\`${entry}\` is neither a host name, an IP address nor a CIDR` });
        }),
    ),
    /** Failed authentications (missing/invalid key) per client IP per minute before 429 (0: no limit). */
    RATE_LIMIT_AUTH_FAILURES: z.preprocess((v) => (v === '' || v === undefined ? '20' : v), integerString(0, 1_000_000)),
    /** Imports (POST /api/imports) per API key per minute before 429 (0: no limit). */
    RATE_LIMIT_IMPORTS: z.preprocess((v) => (v === '' || v === undefined ? '30' : v), integerString(0, 1_000_000)),
    DKIM_DOMAIN: optionalString,
    DKIM_SELECTOR: optionalString,
    DKIM_PRIVATE_KEY: optionalString.pipe(z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }).optional()),
    /**
     * Seals webhook signing secrets at rest (AES-256-GCM under its SHA-256). Unset: they are stored
     * as they are (the embedded/demo default, as before this setting was validated).
     */
    SECRETS_KEY: optionalString.pipe(
      z
        .string()
        .superRefine((v, ctx) => {
          // One message per value, the first that applies.
          const problem =
            v !== v.trim()
              ? 'must not start or end with spaces'
              : v.length < 32
                ? 'must be at least 32 characters of random text, e.g. the output of `openssl rand -base64 32`'
                : new Set(v).size < 8
                  ? 'is not random enough (fewer than 8 different characters)'
                  : null;
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
    ),
    /** Extension: the port of a worker's own Prometheus `/metrics` (unset: none). */
    WORKER_METRICS_PORT: optionalString.pipe(integerString(0, 65535).optional()),
    /** Internal: `npm run demo` sets it for the process it starts, which then loads the sample itself. */
    MW_DEMO: optionalString,
  })
  .superRefine((env, ctx) => {
    if (env.CLOCK_CONTROL === 'enabled' && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['CLOCK_CONTROL'], message: 'CLOCK_CONTROL=enabled is refused when NODE_ENV=production' });
    }
    const dkim = [env.DKIM_DOMAIN, env.DKIM_SELECTOR, env.DKIM_PRIVATE_KEY];
    if (dkim.some(Boolean) && !dkim.every(Boolean)) {
      for (const name of ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'must be set too: DKIM needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together' });
      }
    }
  });

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: (typeof LOG_LEVELS)[number];
  port: number;
  /** Absolute path of DATA_DIR (embedded PostgreSQL, local Redis, admin key, mail outbox). */
  dataDir: string;
  /** Unset → the launcher starts an embedded PostgreSQL and fills this in. */
  databaseUrl?: string;
  redisUrl: string;
  /** True when REDIS_URL was given: then a Redis that does not answer is an error, never replaced. */
  redisUrlExplicit: boolean;
  /** Prefix of every BullMQ key; may hold a `{hash tag}` (Redis Cluster). */
  redisPrefix: string;
  smtpUrl?: string;
  mailFrom: string;
  publicUrl: string;
  adminApiKey?: string;
  clockStart?: Date;
  /** The raw CLOCK_START text: stored as the clock's anchor, so a restart with the same value does not jump back. */
  clockStartAnchor?: string;
  clockControl: boolean;
  notifyBackfillDays: number;
  webhookAllowedHosts: string[];
  dkim?: { domain: string; selector: string; privateKey: string };
  /** SECRETS_KEY: seals webhook secrets at rest; unset → they are stored as they are. */
  secretsKey?: string;
  /** WORKER_METRICS_PORT: a worker process serves Prometheus `/metrics` there (0: a free port); unset → not served. */
  workerMetricsPort?: number;
  /** MW_DEMO: started by `npm run demo`, which loads the bundled sample itself. */
  demoRun: boolean;
  /** Per minute; 0 disables the limit. */
  rateLimits: { authFailuresPerMinute: number; importsPerMinute: number };
  /** Things that are allowed but probably wrong (logged at start). */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(environment)'), message: i.message })));
  }
  const e = parsed.data;
  const warnings: string[] = [];
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  if (e.NODE_ENV === 'production' && !publicUrl.startsWith('https:')) {
    warnings.push('PUBLIC_URL is not https although NODE_ENV=production: links in emails and webhooks will be plain http');
  }
  if (e.NODE_ENV === 'production' && !e.SECRETS_KEY) {
    warnings.push('SECRETS_KEY is not set although NODE_ENV=production: webhook signing secrets are stored unsealed in PostgreSQL');
  }
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisUrlExplicit: e.REDIS_URL !== undefined,
    redisPrefix: e.REDIS_PREFIX,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl,
    adminApiKey: e.ADMIN_API_KEY,
    clockStart: e.CLOCK_START ? new Date(e.CLOCK_START) : undefined,
    clockStartAnchor: e.CLOCK_START,
    clockControl: e.CLOCK_CONTROL === 'enabled',
    notifyBackfillDays: e.NOTIFY_BACKFILL_DAYS,
    webhookAllowedHosts: e.WEBHOOK_ALLOWED_HOSTS,
    dkim: e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY ? { domain: e.DKIM_DOMAIN, selector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY } : undefined,
    secretsKey: e.SECRETS_KEY,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    demoRun: e.MW_DEMO !== undefined,
    rateLimits: { authFailuresPerMinute: e.RATE_LIMIT_AUTH_FAILURES, importsPerMinute: e.RATE_LIMIT_IMPORTS },
    warnings,
  };
}
