import { api } from '../../api';
import { TextField } from '../../components/Field';
import { FormResult, LocalErrors } from '../../components/FormResult';
import { opt, useFactForm } from '../../components/useFactForm';
import { splitList } from '../../format';
import { MandateField } from './common';

const FIELDS = ['mandate', 'until', 'decision', 'adoptedOn', 'paragraphs'];

export function ExtensionForm({ mandate }: { mandate: string }) {
  const f = useFactForm({ mandate, until: '', decision: '', adoptedOn: '', paragraphs: '' }, (v) => {
    const paragraphs = splitList(v.paragraphs);
    return api.extendMandate(v.mandate, {
      until: opt(v.until),
      decision: opt(v.decision),
      adoptedOn: opt(v.adoptedOn),
      paragraphs: paragraphs.length ? paragraphs : undefined,
    });
  });
  const { values: v, set, fieldError: err } = f;
  return (
    <form
      onSubmit={f.onSubmit((x) => (x.mandate ? [] : [{ path: 'mandate', message: 'Choose a mandate.' }]))}
      className="card fact-form"
     
      data-testid="extension-form"
      noValidate
    >
      <h2 id="extension-h">Mandate extended</h2>
      <LocalErrors show={f.hasLocalErrors} />
      <MandateField value={v.mandate} onChange={(x) => set('mandate', x)} error={err('mandate')} />
      <TextField label="Until" name="until" type="date" value={v.until} onChange={(x) => set('until', x)} error={err('until')} hint="Last day in force." required />
      <TextField label="Decision" name="decision" value={v.decision} onChange={(x) => set('decision', x)} error={err('decision')} placeholder="S/RES/2531 (2020)" required />
      <TextField label="Adopted on" name="adoptedOn" type="date" value={v.adoptedOn} onChange={(x) => set('adoptedOn', x)} error={err('adoptedOn')} />
      <TextField label="Paragraphs" name="paragraphs" value={v.paragraphs} onChange={(x) => set('paragraphs', x)} error={err('paragraphs')} placeholder="1, 2" hint="Operative paragraphs, separated by commas." />
      <FormResult error={f.mutation.error} data={f.mutation.data} unmatched={f.unmatched(FIELDS)} />
      <button type="submit" disabled={f.mutation.isPending}>
        {f.mutation.isPending ? 'Recording…' : 'Record extension'}
      </button>
    </form>
  );
}
