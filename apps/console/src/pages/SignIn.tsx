import { useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { useAuth } from '../auth';
import { describeError } from '../components/Status';

export function SignIn({ notice }: { notice?: string }) {
  const { signIn } = useAuth();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Enter your API key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(trimmed);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'Invalid key: the API did not accept this API key.' : describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <form onSubmit={onSubmit} className="card sign-in-card" aria-labelledby="sign-in-title" data-testid="sign-in-form">
        <h1 id="sign-in-title">Mandate Watch</h1>
        <p>Sign in with your API key to follow UN Security Council mandates and their deadlines.</p>
        {notice && (
          <p className="notice" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        )}
        <div className={`field${error ? ' has-error' : ''}`}>
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="mw_…"
            value={key}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'api-key-error' : 'api-key-hint'}
            onChange={(e) => setKey(e.target.value)}
            data-testid="api-key-input"
          />
          <div className="hint" id="api-key-hint">
            The key is kept in this browser tab only (session storage) and cleared when you sign out.
          </div>
          {error && (
            <div className="field-error" id="api-key-error" role="alert" data-testid="sign-in-error">
              {error}
            </div>
          )}
        </div>
        <button type="submit" disabled={busy} data-testid="sign-in-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
