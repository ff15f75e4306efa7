// The one module that talks to the Mandate Watch HTTP API (see shared/contract/http-api.md).
// Every request goes through `request()`: bearer key, JSON, error envelope → ApiError.

// The domain's own vocabularies (a dependency-free module of libs/domain), not a copy.
import { ALERT_KINDS, DECISION_KINDS, EVENT_TYPE_NAMES, MANDATE_TYPES, type AlertKind, type DecisionKind, type MandateType } from '../../../libs/domain/src/vocabulary';

// ---------- types ----------

export type Role = 'viewer' | 'editor' | 'admin';
export type Names = { en?: string; zh?: string; fr?: string };

export { DECISION_KINDS, MANDATE_TYPES, type DecisionKind, type MandateType };
export const EVENT_TYPES = EVENT_TYPE_NAMES;
export const NOTIFICATION_KINDS = ALERT_KINDS;
export type NotificationKind = AlertKind;

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const IMPORT_FORMATS = ['auto', 'repertoire', 'press-release', 'pdf', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type List<T> = { items: T[]; next: string | null };

export type Me = { id: string; name: string; role: Role };
export type Clock = { now: string; controlled: boolean; realTime: boolean };

export type DecisionRef = { symbol: string; adoptedOn: string };

export type MandateSummary = {
  id: string;
  acronym?: string | null;
  names: Names;
  type: MandateType;
  agendaItem: string | null;
};

export type UpcomingItem = {
  mandate: MandateSummary;
  expiresOn: string;
  daysLeft: number;
  lastDecision: DecisionRef | null;
};

export type MandateStatus = 'active' | 'expired' | 'terminated' | 'not_established';

export type HistoryEntry = {
  kind: 'established' | 'extended' | 'terminated';
  from?: string | null;
  until?: string | null;
  decision: string;
  adoptedOn: string;
  paragraphs?: unknown;
  eventId: string;
};

export type ReportRequest = { dueOn: string; decision: string; description: string };

export type Mandate = MandateSummary & {
  aliases?: string[];
  status: MandateStatus;
  establishedOn: string | null;
  establishedBy: string | null;
  expiresOn: string | null;
  daysLeft: number | null;
  terminatedOn: string | null;
  lastDecision: DecisionRef | null;
};

export type MandateDetail = Mandate & {
  asOf: string;
  streamId: string;
  version: number;
  history: HistoryEntry[];
  reportRequests: ReportRequest[];
};

export type AgendaItem = { id: string; names: Names };

export type Meeting = {
  id: string;
  symbol: string | null;
  record: string | null;
  kind: 'meeting' | 'videoconference';
  date: string;
  agendaItem: string | null;
  format: string | null;
  subItem: string | null;
  documents: string[] | null;
  rule37: string[] | null;
  rule39: string[] | null;
  speakers: string[] | null;
  outcome: string | null;
};

export type Vote = { for: number; against: number; abstaining: number };

export type Decision = {
  symbol: string;
  kind: DecisionKind;
  adoptedOn: string;
  vote: Vote | null;
  chapterVII: boolean | null;
  meeting: string | null;
  agendaItem: string | null;
};

export type SourceSpan = { start: number; end: number; quote: string };

export type EventEnvelope = {
  position: number | string;
  streamId: string;
  version: number;
  id: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: {
    actor?: string;
    source?: SourceSpan & { importId: string; documentSha256: string };
    [key: string]: unknown;
  };
  occurredOn?: string | null;
  recordedAt: string;
};

export type Stream = { streamId: string; version: number; items: EventEnvelope[] };

export type ImportFact = { kind: string; source: SourceSpan; [field: string]: unknown };
export type ImportWarning = { code: string; message: string; source?: SourceSpan };
export type ImportResult = {
  id: string;
  format: string;
  documentSha256: string;
  text: string;
  facts: ImportFact[];
  events: { streamId: string; id: string; type: string; data: unknown }[];
  appended: number;
  duplicates: number;
  warnings: ImportWarning[];
  createdAt?: string;
  recordedAt?: string;
  dryRun?: boolean;
};

export type SubscriptionScope = { all?: boolean; mandates?: string[]; agendaItems?: string[] };
export type Subscription = {
  id: string;
  channel: 'email' | 'webhook';
  address?: string;
  url?: string;
  scope: SubscriptionScope;
  leadDays: number[];
  timezone: string;
  notify: NotificationKind[];
  digest?: 'weekly' | null;
  status: string;
  calendarUrl?: string;
  disabled?: boolean;
  disabledReason?: string | null;
  secret?: string;
};
export type SubscriptionInput = {
  channel?: 'email' | 'webhook';
  address?: string;
  url?: string;
  scope: SubscriptionScope;
  leadDays: number[];
  timezone: string;
  notify: NotificationKind[];
  digest?: 'weekly' | null;
};

export type Delivery = {
  id: string;
  subscriptionId: string;
  kind: string;
  mandateId: string | null;
  status: DeliveryStatus;
  dueAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
};

export type ApiKey = { id: string; name: string; role: Role; createdAt?: string; lastUsedAt?: string | null };
export type NewApiKey = ApiKey & { key: string };

export type AppendResult = { streamId: string; version: number; positions?: unknown[]; [k: string]: unknown };

// ---------- errors ----------

export type ErrorDetail = { path: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `vote.for`, `/vote/for`, `body.vote.for` and `["vote","for"]` all become `vote.for`. */
export function normalizePath(path: unknown): string {
  const raw = Array.isArray(path) ? path.join('.') : String(path ?? '');
  return raw.replace(/^\//, '').replace(/\//g, '.').replace(/^body\./, '');
}

function toApiError(status: number, payload: unknown, statusText: string): ApiError {
  const err = (payload as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const details = Array.isArray(err?.details)
    ? err.details.map((d: { path?: unknown; message?: unknown }) => ({
        path: normalizePath(d?.path),
        message: String(d?.message ?? ''),
      }))
    : [];
  return new ApiError(status, err?.code ?? `HTTP_${status}`, err?.message ?? (statusText || `Request failed (${status})`), details);
}

// ---------- transport ----------

let apiKey: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setApiKey(key: string | null): void {
  apiKey = key;
}
/** Called when an authenticated request gets 401 (key revoked or expired). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

type Query = Record<string, string | number | boolean | null | undefined>;
type RequestOptions = {
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  key?: string;
  signal?: AbortSignal;
};

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const key = opts.key ?? apiKey;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.contentType) {
    headers['Content-Type'] = opts.contentType;
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), { method, headers, body, signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the Mandate Watch API. Check your connection and try again.');
  }
  const text = await res.text();
  let payload: unknown = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!res.ok) {
    const error = toApiError(res.status, payload, res.statusText);
    if (res.status === 401 && !opts.key) onUnauthorized?.();
    throw error;
  }
  return payload as T;
}

const enc = encodeURIComponent;

// ---------- endpoints ----------

export const api = {
  me: (key?: string) => request<Me>('GET', '/api/me', { key }),

  clock: () => request<Clock>('GET', '/api/clock'),
  setClock: (now: string) => request<Clock>('PUT', '/api/clock', { json: { now } }),

  upcoming: (q: { asOf?: string; within?: number; type?: string; agendaItem?: string; limit?: number }) =>
    request<List<UpcomingItem>>('GET', '/api/mandates/upcoming', { query: q }),
  mandates: (q: { status?: string; type?: string; agendaItem?: string; q?: string; cursor?: string; limit?: number } = {}) =>
    request<List<Mandate>>('GET', '/api/mandates', { query: q }),
  mandate: (id: string, q: { asOf?: string; knownAt?: string } = {}) =>
    request<MandateDetail>('GET', `/api/mandates/${enc(id)}`, { query: q }),

  agendaItems: () => request<List<AgendaItem>>('GET', '/api/agenda-items', { query: { limit: 500 } }),
  meetings: (q: { agendaItem?: string; from?: string; to?: string; cursor?: string; limit?: number }) =>
    request<List<Meeting>>('GET', '/api/meetings', { query: q }),
  decisions: (q: { agendaItem?: string; from?: string; to?: string; cursor?: string; limit?: number }) =>
    request<List<Decision>>('GET', '/api/decisions', { query: q }),

  events: (q: { cursor?: string; limit?: number; type?: string; streamId?: string; from?: string; to?: string }) =>
    request<List<EventEnvelope>>('GET', '/api/events', { query: q }),
  stream: (streamId: string) => request<Stream>('GET', `/api/streams/${enc(streamId)}`),

  recordMeeting: (body: unknown) => request<AppendResult>('POST', '/api/meetings', { json: body }),
  recordDecision: (body: unknown) => request<AppendResult>('POST', '/api/decisions', { json: body }),
  establishMandate: (body: unknown) => request<AppendResult>('POST', '/api/mandates', { json: body }),
  extendMandate: (id: string, body: unknown) =>
    request<AppendResult>('POST', `/api/mandates/${enc(id)}/extensions`, { json: body }),
  terminateMandate: (id: string, body: unknown) =>
    request<AppendResult>('POST', `/api/mandates/${enc(id)}/termination`, { json: body }),

  importDocument: (doc: { text?: string; file?: File }, q: { dryRun: boolean; format: ImportFormat }) => {
    if (doc.file) {
      const form = new FormData();
      form.append('file', doc.file);
      return request<ImportResult>('POST', '/api/imports', { query: q, body: form });
    }
    return request<ImportResult>('POST', '/api/imports', {
      query: q,
      body: doc.text ?? '',
      contentType: 'text/plain; charset=utf-8',
    });
  },
  imports: (q: { cursor?: string; limit?: number } = {}) => request<List<ImportResult>>('GET', '/api/imports', { query: q }),
  importById: (id: string) => request<ImportResult>('GET', `/api/imports/${enc(id)}`),

  subscriptions: () => request<List<Subscription>>('GET', '/api/subscriptions', { query: { limit: 500 } }),
  createSubscription: (body: SubscriptionInput) => request<Subscription>('POST', '/api/subscriptions', { json: body }),
  updateSubscription: (id: string, body: Partial<SubscriptionInput>) =>
    request<Subscription>('PATCH', `/api/subscriptions/${enc(id)}`, { json: body }),
  deleteSubscription: (id: string) => request<unknown>('DELETE', `/api/subscriptions/${enc(id)}`),
  rotateSecret: (id: string) => request<Subscription>('POST', `/api/subscriptions/${enc(id)}/rotate-secret`),
  testSubscription: (id: string) => request<unknown>('POST', `/api/subscriptions/${enc(id)}/test`),

  deliveries: (q: { subscription?: string; status?: string; cursor?: string; limit?: number }) =>
    request<List<Delivery>>('GET', '/api/deliveries', { query: q }),
  retryDelivery: (id: string) => request<Delivery>('POST', `/api/deliveries/${enc(id)}/retry`),

  keys: () => request<List<ApiKey>>('GET', '/api/keys', { query: { limit: 500 } }),
  createKey: (body: { name: string; role: Role }) => request<NewApiKey>('POST', '/api/keys', { json: body }),
  revokeKey: (id: string) => request<unknown>('DELETE', `/api/keys/${enc(id)}`),
};
