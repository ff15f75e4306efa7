import { useSearchParams } from 'react-router';

/**
 * The page's filters, kept in the URL (shareable, survives a reload). Updates start from the
 * latest parameters rather than the ones of the render that made the handler, so two quick
 * changes (typing "from", then "to") before a re-render keep both.
 */
export function useUrlParams(): [URLSearchParams, (updates: Record<string, string | null | undefined>) => void, () => void] {
  const [params, setParams] = useSearchParams();
  const update = (updates: Record<string, string | null | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [name, value] of Object.entries(updates)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  const clear = () => setParams(new URLSearchParams(), { replace: true });
  return [params, update, clear];
}
