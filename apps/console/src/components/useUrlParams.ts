import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';

/**
 * The page's filters, kept in the URL (shareable, survives a reload). Each update starts from
 * the parameters last asked for, not from those of the render that made the handler: two quick
 * changes before a re-render ("Clear filters", then "from", then "to") keep each other.
 * react-router's functional `setSearchParams(prev => …)` does not help here: it is handed the
 * parameters of the render that created it, so under load the later change dropped the earlier
 * (the event-log browser step failed on it in CI).
 */
export function useUrlParams(): [URLSearchParams, (updates: Record<string, string | null | undefined>) => void, () => void] {
  const [params, setParams] = useSearchParams();
  // What the last update asked for, until a committed render shows it. Not cleared during
  // render: a navigation renders as a transition, and a transition render that is interrupted
  // (input arrives meanwhile) never commits, so the handlers still current are the older ones.
  const asked = useRef<string | null>(null);
  useEffect(() => {
    if (asked.current === params.toString()) asked.current = null;
  }, [params]);
  const go = (next: URLSearchParams) => {
    asked.current = next.toString();
    setParams(next, { replace: true });
  };
  const update = (updates: Record<string, string | null | undefined>) => {
    const next = new URLSearchParams(asked.current ?? params);
    for (const [name, value] of Object.entries(updates)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    go(next);
  };
  const clear = () => go(new URLSearchParams());
  return [params, update, clear];
}
