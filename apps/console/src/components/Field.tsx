import { useId, type ReactNode } from 'react';

type Common = { label: string; name: string; error?: string; hint?: ReactNode; required?: boolean };

function FieldShell({ label, error, hint, id, required, children }: Common & { id: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <div className="label-row">
        <label htmlFor={id}>{label}</label>
        {required && (
          <span className="required-mark" aria-hidden="true">
            *
          </span>
        )}
      </div>
      {children}
      {hint && (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={`${id}-error`} data-testid={`field-error-${label2id(label)}`} data-field={id}>
          {error}
        </div>
      )}
    </div>
  );
}

function label2id(label: string) {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function describedBy(id: string, error?: string, hint?: ReactNode) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

export function TextField({
  type = 'text',
  value,
  onChange,
  placeholder,
  list,
  ...common
}: Common & { type?: string; value: string; onChange: (v: string) => void; placeholder?: string; list?: string }) {
  const id = `f-${useId()}-${common.name}`.replace(/[:.]/g, '_');
  return (
    <FieldShell {...common} id={id}>
      <input
        id={id}
        name={common.name}
        type={type}
        value={value}
        placeholder={placeholder}
        list={list}
        required={common.required}
        aria-invalid={common.error ? true : undefined}
        aria-describedby={describedBy(id, common.error, common.hint)}
        onChange={(e) => onChange(e.target.value)}
      />
    </FieldShell>
  );
}

export function TextArea({
  value,
  onChange,
  rows = 3,
  ...common
}: Common & { value: string; onChange: (v: string) => void; rows?: number }) {
  const id = `f-${useId()}-${common.name}`.replace(/[:.]/g, '_');
  return (
    <FieldShell {...common} id={id}>
      <textarea
        id={id}
        name={common.name}
        rows={rows}
        value={value}
        required={common.required}
        aria-invalid={common.error ? true : undefined}
        aria-describedby={describedBy(id, common.error, common.hint)}
        onChange={(e) => onChange(e.target.value)}
      />
    </FieldShell>
  );
}

export type Option = { value: string; label: string };

export function SelectField({
  value,
  onChange,
  options,
  emptyLabel,
  ...common
}: Common & { value: string; onChange: (v: string) => void; options: Option[]; emptyLabel?: string }) {
  const id = `f-${useId()}-${common.name}`.replace(/[:.]/g, '_');
  return (
    <FieldShell {...common} id={id}>
      <select
        id={id}
        name={common.name}
        value={value}
        required={common.required}
        aria-invalid={common.error ? true : undefined}
        aria-describedby={describedBy(id, common.error, common.hint)}
        onChange={(e) => onChange(e.target.value)}
      >
        {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField({
  label,
  name,
  checked,
  onChange,
  error,
}: { label: string; name: string; checked: boolean; onChange: (v: boolean) => void; error?: string }) {
  const id = `f-${useId()}-${name}`.replace(/[:.]/g, '_');
  return (
    <div className={`field checkbox${error ? ' has-error' : ''}`}>
      <input
        id={id}
        name={name}
        type="checkbox"
        checked={checked}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {error && (
        <div className="field-error" id={`${id}-error`} data-testid={`field-error-${label2id(label)}`}>
          {error}
        </div>
      )}
    </div>
  );
}
