import { HttpException } from '@nestjs/common';
import type { ValidationIssue } from '#libs/domain';

/** The contract's error body: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown[] };
}

/** An error that is meant for the client: its status, code and message are sent as they are. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const validationFailed = (details: ValidationIssue[], message = 'The request is not valid') => new ApiError(400, 'VALIDATION_FAILED', message, details);
export const notFound = (message: string) => new ApiError(404, 'NOT_FOUND', message);
export const conflict = (code: string, message: string, details?: unknown[]) => new ApiError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown[]) => new ApiError(422, code, message, details);

/**
 * Domain errors can ask for a status without depending on HTTP code: any error carrying
 * `httpStatus` and `code` (e.g. `class X extends Error { httpStatus = 409; code = '…' }`) is
 * mapped as it says. Known ones from the event store are mapped by name.
 */
interface HttpMappable {
  httpStatus: number;
  code: string;
  details?: unknown[];
}
const isHttpMappable = (err: unknown): err is Error & HttpMappable =>
  err instanceof Error && typeof (err as Partial<HttpMappable>).httpStatus === 'number' && typeof (err as Partial<HttpMappable>).code === 'string';

const DOMAIN_ERRORS_BY_NAME: Record<string, { status: number; code: string }> = {
  WrongExpectedVersionError: { status: 409, code: 'WRONG_EXPECTED_VERSION' },
  EventIdConflictError: { status: 409, code: 'EVENT_ID_CONFLICT' },
  InvalidAppendError: { status: 400, code: 'INVALID_APPEND' },
  InvalidListCursorError: { status: 400, code: 'INVALID_CURSOR' },
};

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** PostgreSQL / Redis being down or unreachable, as opposed to a bug. */
export function isDependencyUnavailable(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const e = err as Error & { code?: string; errno?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN', 'EPIPE'].includes(code)) return 'a dependency';
  // SQLSTATE class 08 (connection exception), 57P0x (server shutting down), 53300 (too many connections).
  if (/^08...$/.test(code) || /^57P0\d$/.test(code) || code === '53300') return 'PostgreSQL';
  // 55000 at connect: the database refuses connections for now (ALLOW_CONNECTIONS false, during maintenance).
  if (code === '55000' && /is not currently accepting connections/.test(e.message)) return 'PostgreSQL';
  if (/timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Cannot use a pool after calling end/i.test(e.message)) return 'PostgreSQL';
  if (e.name === 'MaxRetriesPerRequestError' || /Connection is closed|Stream isn't writeable|enableOfflineQueue/i.test(e.message)) return 'Redis';
  return null;
}

/** body-parser's errors (express.json) carry a `type`. */
function bodyParserError(err: unknown): ApiError | null {
  const type = (err as { type?: unknown })?.type;
  if (typeof type !== 'string') return null;
  switch (type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
    case 'entity.too.large': {
      const limit = (err as { limit?: number }).limit;
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than the limit${limit ? ` of ${limit} bytes` : ''}`);
    }
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', (err as Error).message);
    case 'request.aborted':
    case 'request.size.invalid':
      return new ApiError(400, 'BAD_REQUEST', (err as Error).message);
    default:
      return null;
  }
}

/**
 * PostgreSQL's class 22 (data exception) comes from the values sent, not from a fault: e.g. a
 * U+0000 in a string, which no text or jsonb column can hold (found by the fuzz test: a document
 * with a NUL byte was answered 500). The statement failed, so nothing was written.
 */
/**
 * Other client errors of the body readers (http-errors with `expose: true` and a 4xx status, e.g. a
 * body that does not decompress as its Content-Encoding says: zlib's "incorrect header check").
 * Found by the fuzz test: these were answered 500.
 */
function exposedClientError(err: unknown): ApiError | null {
  const e = err as { status?: unknown; expose?: unknown };
  if (!(err instanceof Error) || e.expose !== true || typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return null;
  const status = e.status;
  return new ApiError(status, STATUS_CODES[status] ?? 'BAD_REQUEST', `The request body could not be read: ${err.message}`);
}

/**
 * Everything thrown while handling a request becomes an ApiError; `internal` is true when it is
 * a bug (logged with its stack, answered with a message that leaks nothing).
 */
export function toApiError(err: unknown, request?: { method?: string; url?: string }): { error: ApiError; internal: boolean } {
  if (err instanceof ApiError) return { error: err, internal: false };
  const parsed = bodyParserError(err);
  if (parsed) return { error: parsed, internal: false };
  const exposed = exposedClientError(err);
  if (exposed) return { error: exposed, internal: false };
  if (isHttpMappable(err)) return { error: new ApiError(err.httpStatus, err.code, err.message, err.details), internal: false };
  if (err instanceof Error && DOMAIN_ERRORS_BY_NAME[err.name]) {
    const m = DOMAIN_ERRORS_BY_NAME[err.name];
    return { error: new ApiError(m.status, m.code, err.message, (err as { details?: unknown[] }).details), internal: false };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 404) {
      const route = request?.method && request.url ? `: ${request.method} ${request.url.split('?')[0]}` : '';
      return { error: new ApiError(404, 'NOT_FOUND', `No such resource${route}`), internal: false };
    }
    if (status < 500) {
      const response = err.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? err.message);
      return { error: new ApiError(status, STATUS_CODES[status] ?? 'BAD_REQUEST', Array.isArray(message) ? message.join('; ') : String(message)), internal: false };
    }
  }
  // PostgreSQL "data exceptions" (SQLSTATE class 22: a NUL character, an out-of-range value…)
  // come from values in the request that slipped past validation: the client's input, not a bug.
  const sqlState = (err as { code?: unknown }).code;
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState) && (err as { severity?: unknown }).severity !== undefined) {
    return { error: new ApiError(400, 'INVALID_VALUE', 'A value in the request cannot be stored or compared (for example a NUL character or an out-of-range number)'), internal: false };
  }
  // Prisma refuses a query built from a value it cannot use (e.g. an invalid date decoded from a
  // crafted cursor) before it reaches the database: again the request's value.
  if (err instanceof Error && err.name === 'PrismaClientValidationError') {
    return { error: new ApiError(400, 'INVALID_VALUE', 'A value in the request (or its cursor) is not usable'), internal: false };
  }
  const dependency = isDependencyUnavailable(err);
  if (dependency) {
    return {
      error: new ApiError(503, 'SERVICE_UNAVAILABLE', `${dependency} is unavailable; try again shortly`, undefined, { 'Retry-After': '5' }),
      internal: false,
    };
  }
  return { error: new ApiError(500, 'INTERNAL', 'An unexpected error occurred; it has been logged'), internal: true };
}
