import { api, MANDATE_TYPES } from '../../api';
import { SelectField, TextField } from '../../components/Field';
import { FormResult } from '../../components/FormResult';
import { opt, useFactForm } from '../../components/useFactForm';
import { humanize } from '../../format';
import { AgendaItemField } from './common';

const FIELDS = ['id', 'acronym', 'names', 'type', 'agendaItem', 'establishedOn', 'expiresOn', 'establishedBy'];

export function MandateForm() {
  const f = useFactForm(
    { id: '', acronym: '', en: '', zh: '', fr: '', type: 'peace_operation', agendaItem: '', establishedOn: '', expiresOn: '', establishedBy: '' },
    (v) =>
      api.establishMandate({
        id: opt(v.id),
        acronym: opt(v.acronym),
        names: { en: opt(v.en), zh: opt(v.zh), fr: opt(v.fr) },
        type: v.type,
        agendaItem: opt(v.agendaItem),
        establishedOn: opt(v.establishedOn),
        expiresOn: opt(v.expiresOn),
        establishedBy: opt(v.establishedBy),
      }),
  );
  const { values: v, set, fieldError: err } = f;
  const namesError = f.unmatched(['names.en', 'names.zh', 'names.fr']).filter((d) => d.path === 'names');
  return (
    <form onSubmit={f.onSubmit()} className="card fact-form" data-testid="mandate-form" noValidate>
      <h2 id="mandate-h">Mandate established</h2>
      <TextField label="Id" name="id" value={v.id} onChange={(x) => set('id', x)} error={err('id')} placeholder="minusma" hint="Lowercase slug: letters, digits and dashes." required />
      <TextField label="Acronym" name="acronym" value={v.acronym} onChange={(x) => set('acronym', x)} error={err('acronym')} placeholder="MINUSMA" />
      <TextField label="Name in English" name="names.en" value={v.en} onChange={(x) => set('en', x)} error={err('names.en')} required />
      <TextField label="Name in Chinese" name="names.zh" value={v.zh} onChange={(x) => set('zh', x)} error={err('names.zh')} />
      <TextField label="Name in French" name="names.fr" value={v.fr} onChange={(x) => set('fr', x)} error={err('names.fr')} />
      {namesError.length > 0 && <div className="field-error">{namesError.map((d) => d.message).join(' ')}</div>}
      <SelectField label="Type" name="type" value={v.type} onChange={(x) => set('type', x)} error={err('type')} options={MANDATE_TYPES.map((t) => ({ value: t, label: humanize(t) }))} />
      <AgendaItemField value={v.agendaItem} onChange={(x) => set('agendaItem', x)} error={err('agendaItem')} />
      <TextField label="Established on" name="establishedOn" type="date" value={v.establishedOn} onChange={(x) => set('establishedOn', x)} error={err('establishedOn')} />
      <TextField label="Expires on" name="expiresOn" type="date" value={v.expiresOn} onChange={(x) => set('expiresOn', x)} error={err('expiresOn')} hint="Last day in force." />
      <TextField label="Established by" name="establishedBy" value={v.establishedBy} onChange={(x) => set('establishedBy', x)} error={err('establishedBy')} placeholder="S/RES/2100 (2013)" />
      <FormResult error={f.mutation.error} data={f.mutation.data} unmatched={f.unmatched(FIELDS)} />
      <button type="submit" disabled={f.mutation.isPending}>
        {f.mutation.isPending ? 'Recording…' : 'Record mandate'}
      </button>
    </form>
  );
}
