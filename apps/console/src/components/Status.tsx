import type { ReactNode } from 'react';
import { ApiError } from '../api';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return `You do not have permission to do this (${error.message}).`;
    if (error.status === 404) return `Not found: ${error.message}`;
    if (error.status === 413) return `The document is too large for the API (${error.message}).`;
    if (error.status === 415) return `The API does not accept this kind of file (${error.message}).`;
    if (error.status === 429) return 'Too many requests. Wait a moment and try again.';
    if (error.status === 503) return `The service is temporarily unavailable: ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function ErrorMessage({ error, title = 'Could not load', onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div className="error-box" role="alert" data-testid="error">
      <strong>{title}.</strong> {describeError(error)}
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {d.path ? <code>{d.path}</code> : null} {d.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="secondary small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The error of a secondary query (a filter's choices, a list beside a form) with a retry; nothing while it is fine. */
export function QueryProblem({ query, what }: { query: Pick<QueryLike<unknown>, 'isError' | 'error' | 'refetch'>; what: string }) {
  if (!query.isError) return null;
  return <ErrorMessage error={query.error} title={`Could not load ${what}`} onRetry={() => void query.refetch()} />;
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="empty" data-testid="empty">
      {children}
    </p>
  );
}

type QueryLike<T> = { isPending: boolean; isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown; isPlaceholderData?: boolean };

/** Renders loading / error states of a query, or `children(data)`. */
export function QueryView<T>({ query, children, label }: { query: QueryLike<T>; children: (data: T) => ReactNode; label?: string }) {
  if (query.isPending) return <Loading label={label} />;
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <>
      {query.isPlaceholderData && <Loading label="Updating…" />}
      {children(query.data as T)}
    </>
  );
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <div className="success-box" role="status" data-testid="success">
      {children}
    </div>
  );
}
