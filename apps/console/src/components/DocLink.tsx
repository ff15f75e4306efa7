import { undocsUrl } from '../format';

/** A UN document symbol linked to undocs.org (opens in a new tab). */
export function DocLink({ symbol }: { symbol: string | null | undefined }) {
  if (!symbol) return <>—</>;
  return (
    <a href={undocsUrl(symbol)} target="_blank" rel="noopener noreferrer" className="doc-link" data-testid="doc-link">
      {symbol}
      <span className="visually-hidden"> (opens undocs.org in a new tab)</span>
    </a>
  );
}
