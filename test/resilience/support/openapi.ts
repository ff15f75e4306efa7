import type { Requester } from './api.js';

export interface Operation {
  method: string;
  /** As in the document: /api/mandates/{id}/extensions */
  path: string;
  params: string[];
  requestBodyTypes: string[];
  security: boolean;
}

export const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];

/** Every operation of the API's own OpenAPI document, so that a new endpoint is covered without editing the tests. */
export async function operations(api: Requester): Promise<Operation[]> {
  const r = await api.request('GET', '/api/openapi.json', { key: null });
  if (r.status !== 200) throw new Error(`GET /api/openapi.json: ${r.status}`);
  const doc = r.json as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, unknown> }; security?: unknown[] }>> };
  const out: Operation[] = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      out.push({
        method,
        path: p,
        params: [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        requestBodyTypes: Object.keys(op.requestBody?.content ?? {}),
        security: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  return out;
}

/**
 * Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on lone surrogates);
 * a value starting with `%` is sent raw, so that malformed escapes such as `%ff%fe` reach the server.
 */
export function enc(value: string): string {
  const keep = value.startsWith('%') ? /[%A-Za-z0-9\-_.~]/ : /[A-Za-z0-9\-_.~]/;
  return [...Buffer.from(value, 'utf8')].map((b) => (keep.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

export function fillPath(p: string, values: Record<string, string> | ((name: string) => string)): string {
  return p.replace(/\{([^}]+)\}/g, (_, name: string) => enc(typeof values === 'function' ? values(name) : (values[name] ?? 'x')));
}
