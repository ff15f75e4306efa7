import { SelectField, TextField } from '../../components/Field';
import { mandateLabel } from '../../format';
import { agendaItemName, useAgendaItems, useMandateList } from '../../queries';

/** Agenda item chooser (free text when the list cannot be loaded). */
export function AgendaItemField({ value, onChange, error, required }: { value: string; onChange: (v: string) => void; error?: string; required?: boolean }) {
  const agenda = useAgendaItems();
  if (agenda.isError || (agenda.data && agenda.data.items.length === 0)) {
    return <TextField label="Agenda item" name="agendaItem" value={value} onChange={onChange} error={error} required={required} placeholder="situation-in-mali" hint="Agenda item id (slug)." />;
  }
  return (
    <SelectField
      label="Agenda item"
      name="agendaItem"
      value={value}
      onChange={onChange}
      error={error}
      required={required}
      emptyLabel={agenda.isPending ? 'Loading…' : 'Choose an agenda item'}
      options={(agenda.data?.items ?? []).map((a) => ({ value: a.id, label: agendaItemName(agenda.data?.items, a.id) }))}
    />
  );
}

/** Mandate chooser (free text when the list cannot be loaded). */
export function MandateField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string }) {
  const mandates = useMandateList();
  if (mandates.isError) {
    return <TextField label="Mandate" name="mandate" value={value} onChange={onChange} error={error} required placeholder="minusma" hint="Mandate id." />;
  }
  return (
    <SelectField
      label="Mandate"
      name="mandate"
      value={value}
      onChange={onChange}
      error={error}
      required
      emptyLabel={mandates.isPending ? 'Loading…' : 'Choose a mandate'}
      options={(mandates.data?.items ?? []).map((m) => ({ value: m.id, label: `${mandateLabel(m)}${m.names.en && m.names.en !== mandateLabel(m) ? ` — ${m.names.en}` : ''}` }))}
    />
  );
}
