import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { useCan } from '../auth';
import { TextField } from '../components/Field';
import { ErrorMessage, QueryView, Success } from '../components/Status';
import { formatInstant, isoToUtcInput, utcInputToIso } from '../format';
import { useClock } from '../queries';

export function ClockPage() {
  const clock = useClock();
  const isAdmin = useCan('admin');
  return (
    <section>
      <h1>Business clock</h1>
      <p className="lead">One clock drives “today” for every deadline, reminder and default date of the deployment.</p>
      <QueryView query={clock} label="Reading the clock…">
        {(c) => (
          <>
            <dl className="facts card" data-testid="clock-state">
              <dt>Now</dt>
              <dd data-testid="clock-page-now">{formatInstant(c.now)}</dd>
              <dt>Real time</dt>
              <dd>{c.realTime ? 'Yes' : 'No — the business clock differs from real time'}</dd>
              <dt>Can be moved</dt>
              <dd>{c.controlled ? 'Yes (CLOCK_CONTROL is enabled)' : 'No'}</dd>
            </dl>
            {isAdmin && c.controlled && <MoveClock now={c.now} />}
          </>
        )}
      </QueryView>
    </section>
  );
}

function MoveClock({ now }: { now: string }) {
  const queryClient = useQueryClient();
  const [value, setValue] = useState(() => isoToUtcInput(now));
  const move = useMutation({
    mutationFn: (iso: string) => api.setClock(iso),
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  const err = move.error instanceof ApiError ? move.error.details.filter((d) => d.path === 'now').map((d) => d.message).join(' ') || undefined : undefined;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const iso = utcInputToIso(value);
    if (iso) move.mutate(iso);
  }

  return (
    <form className="card inline-form" onSubmit={onSubmit} aria-label="Move the business clock" data-testid="move-clock-form">
      <TextField label="New time (UTC)" name="now" type="datetime-local" value={value} onChange={setValue} error={err} required />
      <button type="submit" disabled={move.isPending || !value} data-testid="move-clock">
        {move.isPending ? 'Moving…' : 'Move clock'}
      </button>
      {move.isSuccess && <Success>Clock moved to {formatInstant(move.data?.now ?? move.variables)}. Alerts now due go out within seconds.</Success>}
      {move.isError && <ErrorMessage error={move.error} title="Clock not moved" />}
    </form>
  );
}
