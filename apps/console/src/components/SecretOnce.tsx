import { useState } from 'react';

/** A secret (webhook secret, API key) the API returns only once: show it with a copy button. */
export function SecretOnce({ label, value, onDismiss, testId = 'secret-once' }: { label: string; value: string; onDismiss?: () => void; testId?: string }) {
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <div className="secret-once" role="region" aria-label={label} data-testid={testId}>
      <p>
        <strong>{label}</strong> — copy it now: it will not be shown again.
      </p>
      <code className="secret-value" data-testid={`${testId}-value`}>
        {value}
      </code>
      <div className="actions">
        <button type="button" className="small" onClick={() => void copy()}>
          Copy
        </button>
        {onDismiss && (
          <button type="button" className="secondary small" onClick={onDismiss}>
            I have saved it
          </button>
        )}
        <span role="status" className="sub">
          {copied === 'ok' ? 'Copied.' : copied === 'failed' ? 'Copying is not available here: select the text and copy it.' : ''}
        </span>
      </div>
    </div>
  );
}
