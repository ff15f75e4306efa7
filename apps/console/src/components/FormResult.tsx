import { Link } from 'react-router';
import { ApiError, type AppendResult, type ErrorDetail } from '../api';
import { mandateIdFromStream } from '../format';
import { describeError, Success } from './Status';

/** Outcome of a fact form: success with the stream written, or the API error with stray messages. */
export function FormResult({ error, data, unmatched }: { error: unknown; data: AppendResult | undefined; unmatched: ErrorDetail[] }) {
  if (error) {
    const hasFieldErrors = error instanceof ApiError && error.details.length > unmatched.length;
    return (
      <div className="error-box" role="alert" data-testid="form-error">
        <strong>Not recorded.</strong> {describeError(error)}
        {hasFieldErrors && ' See the messages next to the fields.'}
        {unmatched.length > 0 && (
          <ul>
            {unmatched.map((d, i) => (
              <li key={i}>
                {d.path && <code>{d.path}</code>} {d.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  if (!data) return null;
  const mandateId = data.streamId ? mandateIdFromStream(data.streamId) : null;
  return (
    <Success>
      Recorded{data.streamId ? ` in stream ${data.streamId}` : ''}
      {typeof data.version === 'number' ? ` (version ${data.version})` : ''}.{' '}
      {data.streamId && <Link to={`/events?streamId=${encodeURIComponent(data.streamId)}`}>See its events</Link>}
      {mandateId && (
        <>
          {' · '}
          <Link to={`/mandates/${encodeURIComponent(mandateId)}`}>Open the mandate</Link>
        </>
      )}
    </Success>
  );
}

export function LocalErrors({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <div className="error-box" role="alert">
      Please correct the fields marked below.
    </div>
  );
}
