import { useMemo, useState } from 'react';
import type { ImportFact, ImportResult } from '../api';
import { humanize, textLang } from '../format';
import { JsonView } from './JsonView';
import { SourceText, type LabelledSpan } from './SourceText';

function factFields(fact: ImportFact): [string, string][] {
  return Object.entries(fact)
    .filter(([k]) => k !== 'kind' && k !== 'source')
    .map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]);
}

/** Dry-run or committed import: the source text beside the facts, events and warnings. */
export function ImportResultView({ result: raw }: { result: ImportResult }) {
  const result = useMemo(() => ({ ...raw, text: raw.text ?? '', facts: raw.facts ?? [], events: raw.events ?? [], warnings: raw.warnings ?? [] }), [raw]);
  const [active, setActive] = useState<string | null>(null);
  const spans = useMemo<LabelledSpan[]>(
    () => [
      ...result.facts.flatMap((f, i) => (f.source ? [{ key: `fact-${i}`, tone: 'fact' as const, start: f.source.start, end: f.source.end }] : [])),
      ...result.warnings.flatMap((w, i) => (w.source ? [{ key: `warning-${i}`, tone: 'warning' as const, start: w.source.start, end: w.source.end }] : [])),
    ],
    [result],
  );

  return (
    <div data-testid="import-result">
      <dl className="inline-dl summary">
        <div><dt>Import</dt><dd data-testid="import-id"><code>{result.id}</code></dd></div>
        <div><dt>Format</dt><dd data-testid="import-format">{result.format}</dd></div>
        <div><dt>Document SHA-256</dt><dd><code title={result.documentSha256}>{result.documentSha256?.slice(0, 16)}…</code></dd></div>
        <div><dt>Facts</dt><dd data-testid="import-fact-count">{result.facts.length}</dd></div>
        <div><dt>Events</dt><dd data-testid="import-event-count">{result.events.length}</dd></div>
        <div><dt>Appended</dt><dd data-testid="import-appended">{result.appended}</dd></div>
        <div><dt>Duplicates</dt><dd data-testid="import-duplicates">{result.duplicates}</dd></div>
        <div><dt>Warnings</dt><dd data-testid="import-warning-count">{result.warnings.length}</dd></div>
      </dl>
      <div className="import-split">
        <section aria-labelledby="doc-h" className="import-doc">
          <h2 id="doc-h">Source text</h2>
          <SourceText text={result.text} spans={spans} active={active} />
        </section>
        <div className="import-side">
          <section aria-labelledby="facts-h">
            <h2 id="facts-h">Facts ({result.facts.length})</h2>
            <ol className="fact-list" data-testid="fact-list">
              {result.facts.map((f, i) => {
                const key = `fact-${i}`;
                return (
                  <li key={key} className={`fact card${active === key ? ' active' : ''}`} data-testid="fact" data-kind={f.kind} data-fact-key={key}>
                    <div className="fact-head">
                      <strong>{humanize(f.kind)}</strong>
                      {f.source && (
                        <button type="button" className="secondary small" aria-pressed={active === key} onClick={() => setActive(key)} data-testid="show-fact-span">
                          Show in text
                        </button>
                      )}
                    </div>
                    <dl className="kv">
                      {factFields(f).map(([k, v]) => (
                        <div key={k}>
                          <dt>{k}</dt>
                          <dd>{v}</dd>
                        </div>
                      ))}
                    </dl>
                    {f.source && <blockquote className="quote" lang={textLang(f.source.quote)}>{f.source.quote}</blockquote>}
                  </li>
                );
              })}
            </ol>
          </section>
          <section aria-labelledby="warnings-h">
            <h2 id="warnings-h">Warnings and conflicts ({result.warnings.length})</h2>
            {result.warnings.length === 0 ? (
              <p className="sub">None.</p>
            ) : (
              <ul className="warning-list" data-testid="warning-list">
                {result.warnings.map((w, i) => (
                  <li key={i} className={`warning card${/conflict/i.test(w.code) ? ' conflict' : ''}`} data-testid="warning" data-code={w.code}>
                    <code>{w.code}</code> {w.message}
                    {w.source && (
                      <button type="button" className="secondary small" onClick={() => setActive(`warning-${i}`)}>
                        Show in text
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="events-h">
            <h2 id="events-h">Events ({result.events.length})</h2>
            <ul className="plain-list" data-testid="import-events">
              {result.events.map((e) => (
                <li key={e.id}>
                  <details>
                    <summary>
                      {e.type} → <code>{e.streamId}</code>
                    </summary>
                    <JsonView value={e.data} />
                  </details>
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
    </div>
  );
}
