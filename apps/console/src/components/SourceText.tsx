import { useEffect, useMemo, useRef } from 'react';
import { textLang } from '../format';
import { segmentText, type Span } from '../highlight';

export type LabelledSpan = Span & { key: string; tone: 'fact' | 'warning' };

/**
 * The import's document text with every span highlighted. The active span is emphasised,
 * scrolled into view and focused (so keyboard and screen-reader users land on it too).
 */
export function SourceText({ text, spans, active }: { text: string; spans: LabelledSpan[]; active: string | null }) {
  const segments = useMemo(() => segmentText(text, spans), [text, spans]);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!active || !container.current) return;
    const first = container.current.querySelector<HTMLElement>(`mark[data-spans~="${CSS.escape(active)}"]`);
    if (first) {
      first.scrollIntoView({ block: 'center', behavior: 'smooth' });
      first.focus({ preventScroll: true });
    }
  }, [active]);

  return (
    <div className="source-text" ref={container} data-testid="source-text" tabIndex={0} aria-label="Document text" lang={textLang(text)}>
      {segments.map((seg) => {
        if (seg.spans.length === 0) return <span key={seg.start}>{seg.text}</span>;
        const keys = seg.spans.map((i) => spans[i].key);
        const isActive = active !== null && keys.includes(active);
        const tone = seg.spans.some((i) => spans[i].tone === 'fact') ? 'fact' : 'warning';
        return (
          <mark
            key={seg.start}
            className={`hl hl-${tone}${isActive ? ' active' : ''}`}
            data-spans={keys.join(' ')}
            data-testid={isActive ? 'active-span' : 'span'}
            tabIndex={isActive ? -1 : undefined}
          >
            {seg.text}
          </mark>
        );
      })}
    </div>
  );
}
