import { api } from '../../api';
import { TextField } from '../../components/Field';
import { FormResult, LocalErrors } from '../../components/FormResult';
import { opt, useFactForm } from '../../components/useFactForm';
import { MandateField } from './common';

const FIELDS = ['mandate', 'on', 'decision', 'adoptedOn'];

export function TerminationForm({ mandate }: { mandate: string }) {
  const f = useFactForm({ mandate, on: '', decision: '', adoptedOn: '' }, (v) =>
    api.terminateMandate(v.mandate, { on: opt(v.on), decision: opt(v.decision), adoptedOn: opt(v.adoptedOn) }),
  );
  const { values: v, set, fieldError: err } = f;
  return (
    <form
      onSubmit={f.onSubmit((x) => (x.mandate ? [] : [{ path: 'mandate', message: 'Choose a mandate.' }]))}
      className="card fact-form"
     
      data-testid="termination-form"
      noValidate
    >
      <h2 id="termination-h">Mandate terminated</h2>
      <LocalErrors show={f.hasLocalErrors} />
      <MandateField value={v.mandate} onChange={(x) => set('mandate', x)} error={err('mandate')} />
      <TextField label="Terminated on" name="on" type="date" value={v.on} onChange={(x) => set('on', x)} error={err('on')} required />
      <TextField label="Decision" name="decision" value={v.decision} onChange={(x) => set('decision', x)} error={err('decision')} placeholder="S/RES/2690 (2023)" required />
      <TextField label="Adopted on" name="adoptedOn" type="date" value={v.adoptedOn} onChange={(x) => set('adoptedOn', x)} error={err('adoptedOn')} />
      <FormResult error={f.mutation.error} data={f.mutation.data} unmatched={f.unmatched(FIELDS)} />
      <button type="submit" disabled={f.mutation.isPending}>
        {f.mutation.isPending ? 'Recording…' : 'Record termination'}
      </button>
    </form>
  );
}
