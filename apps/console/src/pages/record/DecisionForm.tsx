import { api, DECISION_KINDS } from '../../api';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { FormResult } from '../../components/FormResult';
import { num, opt, useFactForm } from '../../components/useFactForm';
import { humanize } from '../../format';
import { AgendaItemField } from './common';

const FIELDS = ['symbol', 'kind', 'adoptedOn', 'vote', 'chapterVII', 'meeting', 'agendaItem'];

export function DecisionForm() {
  const f = useFactForm(
    { symbol: '', kind: 'resolution', adoptedOn: '', for: '', against: '', abstaining: '', chapterVII: false as boolean, meeting: '', agendaItem: '' },
    (v) => {
      const anyVote = [v.for, v.against, v.abstaining].some((x) => opt(x) !== undefined);
      return api.recordDecision({
        symbol: opt(v.symbol),
        kind: v.kind,
        adoptedOn: opt(v.adoptedOn),
        vote: anyVote ? { for: num(v.for), against: num(v.against), abstaining: num(v.abstaining) } : undefined,
        chapterVII: v.chapterVII,
        meeting: opt(v.meeting),
        agendaItem: opt(v.agendaItem),
      });
    },
  );
  const { values: v, set, fieldError: err } = f;
  const voteError = f.unmatched(['vote.for', 'vote.against', 'vote.abstaining']).filter((d) => d.path === 'vote');
  return (
    <form onSubmit={f.onSubmit()} className="card fact-form" data-testid="decision-form" noValidate>
      <h2 id="decision-h">Decision</h2>
      <TextField label="Symbol" name="symbol" value={v.symbol} onChange={(x) => set('symbol', x)} error={err('symbol')} placeholder="S/RES/2531 (2020)" required />
      <SelectField label="Kind" name="kind" value={v.kind} onChange={(x) => set('kind', x)} error={err('kind')} options={DECISION_KINDS.map((k) => ({ value: k, label: humanize(k) }))} />
      <TextField label="Adopted on" name="adoptedOn" type="date" value={v.adoptedOn} onChange={(x) => set('adoptedOn', x)} error={err('adoptedOn')} required />
      <fieldset className="vote" aria-describedby={voteError.length ? 'vote-error' : undefined}>
        <legend>Vote (leave empty when there was none)</legend>
        <TextField label="In favour" name="vote.for" type="number" value={v.for} onChange={(x) => set('for', x)} error={err('vote.for')} />
        <TextField label="Against" name="vote.against" type="number" value={v.against} onChange={(x) => set('against', x)} error={err('vote.against')} />
        <TextField label="Abstaining" name="vote.abstaining" type="number" value={v.abstaining} onChange={(x) => set('abstaining', x)} error={err('vote.abstaining')} />
        {voteError.length > 0 && (
          <div className="field-error" id="vote-error" data-testid="field-error-vote">
            {voteError.map((d) => d.message).join(' ')}
          </div>
        )}
      </fieldset>
      <CheckboxField label="Adopted under Chapter VII" name="chapterVII" checked={v.chapterVII} onChange={(x) => set('chapterVII', x)} error={err('chapterVII')} />
      <TextField label="Meeting" name="meeting" value={v.meeting} onChange={(x) => set('meeting', x)} error={err('meeting')} placeholder="S/PV.8703" />
      <AgendaItemField value={v.agendaItem} onChange={(x) => set('agendaItem', x)} error={err('agendaItem')} />
      <FormResult error={f.mutation.error} data={f.mutation.data} unmatched={f.unmatched(FIELDS)} />
      <button type="submit" disabled={f.mutation.isPending}>
        {f.mutation.isPending ? 'Recording…' : 'Record decision'}
      </button>
    </form>
  );
}
