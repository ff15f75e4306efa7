import { api } from '../../api';
import { SelectField, TextArea, TextField } from '../../components/Field';
import { FormResult } from '../../components/FormResult';
import { opt, useFactForm } from '../../components/useFactForm';
import { splitList } from '../../format';
import { AgendaItemField } from './common';

const FIELDS = ['kind', 'symbol', 'record', 'date', 'agendaItem', 'format', 'subItem', 'documents', 'rule37', 'rule39', 'speakers', 'outcome'];
const FORMATS = ['briefing', 'debate', 'adoption', 'other'];

function list(v: string) {
  const items = splitList(v);
  return items.length ? items : undefined;
}

export function MeetingForm() {
  const f = useFactForm(
    { kind: 'meeting', symbol: '', record: '', date: '', agendaItem: '', format: 'briefing', subItem: '', documents: '', rule37: '', rule39: '', speakers: '', outcome: '' },
    (v) =>
      api.recordMeeting({
        ...(v.kind === 'videoconference' ? { kind: 'videoconference', record: opt(v.record) } : { symbol: opt(v.symbol) }),
        date: opt(v.date),
        agendaItem: opt(v.agendaItem),
        format: opt(v.format),
        subItem: opt(v.subItem),
        documents: list(v.documents),
        rule37: list(v.rule37),
        rule39: list(v.rule39),
        speakers: list(v.speakers),
        outcome: opt(v.outcome),
      }),
  );
  const { values: v, set, fieldError: err } = f;
  const video = v.kind === 'videoconference';
  return (
    <form onSubmit={f.onSubmit()} className="card fact-form" data-testid="meeting-form" noValidate>
      <h2 id="meeting-h">Meeting</h2>
      <SelectField label="Kind" name="kind" value={v.kind} onChange={(x) => set('kind', x)} error={err('kind')} options={[{ value: 'meeting', label: 'Formal meeting' }, { value: 'videoconference', label: 'Open videoconference' }]} />
      {video ? (
        <TextField label="Record (letter)" name="record" value={v.record} onChange={(x) => set('record', x)} error={err('record')} placeholder="S/2020/286" />
      ) : (
        <TextField label="Symbol" name="symbol" value={v.symbol} onChange={(x) => set('symbol', x)} error={err('symbol')} placeholder="S/PV.8703" required />
      )}
      <TextField label="Date" name="date" type="date" value={v.date} onChange={(x) => set('date', x)} error={err('date')} required />
      <AgendaItemField value={v.agendaItem} onChange={(x) => set('agendaItem', x)} error={err('agendaItem')} required />
      <SelectField label="Format" name="format" value={v.format} onChange={(x) => set('format', x)} error={err('format')} options={FORMATS.map((x) => ({ value: x, label: x.charAt(0).toUpperCase() + x.slice(1) }))} />
      <TextField label="Sub-item" name="subItem" value={v.subItem} onChange={(x) => set('subItem', x)} error={err('subItem')} placeholder="S/2019/983" />
      <TextArea label="Other documents" name="documents" value={v.documents} onChange={(x) => set('documents', x)} error={err('documents')} hint="Separate with commas or new lines." rows={2} />
      <TextArea label="Rule 37 invitations" name="rule37" value={v.rule37} onChange={(x) => set('rule37', x)} error={err('rule37')} hint="Member states, separated by commas." rows={2} />
      <TextArea label="Rule 39 and other invitations" name="rule39" value={v.rule39} onChange={(x) => set('rule39', x)} error={err('rule39')} rows={2} />
      <TextArea label="Speakers" name="speakers" value={v.speakers} onChange={(x) => set('speakers', x)} error={err('speakers')} rows={2} />
      <TextField label="Outcome" name="outcome" value={v.outcome} onChange={(x) => set('outcome', x)} error={err('outcome')} placeholder="S/RES/2531 (2020) 15-0-0" />
      <FormResult error={f.mutation.error} data={f.mutation.data} unmatched={f.unmatched(FIELDS)} />
      <button type="submit" disabled={f.mutation.isPending}>
        {f.mutation.isPending ? 'Recording…' : 'Record meeting'}
      </button>
    </form>
  );
}
