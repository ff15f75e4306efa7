import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, type AppendResult, type ErrorDetail } from '../api';

/**
 * State of a fact form: string values by field name, the API's validation messages by path,
 * and a submit handler. `fieldError('vote.for')` returns the messages for that path (and its children).
 */
export function useFactForm<V extends Record<string, string | boolean>>(initial: V, submit: (values: V) => Promise<AppendResult>) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<V>(initial);
  const [localErrors, setLocalErrors] = useState<ErrorDetail[]>([]);
  const mutation = useMutation({
    mutationFn: submit,
    onSuccess: () => void queryClient.invalidateQueries(),
  });

  const apiDetails = mutation.error instanceof ApiError ? mutation.error.details : [];
  const details = [...localErrors, ...apiDetails];

  function set<K extends keyof V>(name: K, value: V[K]) {
    setValues((v) => ({ ...v, [name]: value }));
  }

  function matches(path: string, name: string) {
    return path === name || path.startsWith(`${name}.`) || path.startsWith(`${name}[`);
  }

  function fieldError(name: string): string | undefined {
    const msgs = details.filter((d) => matches(d.path, name)).map((d) => d.message);
    return msgs.length ? msgs.join(' ') : undefined;
  }

  /** Messages that no field of the form shows (so the summary can list them). */
  function unmatched(fieldNames: string[]): ErrorDetail[] {
    return details.filter((d) => !fieldNames.some((n) => matches(d.path, n)));
  }

  function onSubmit(validate?: (values: V) => ErrorDetail[]) {
    return (e: FormEvent) => {
      e.preventDefault();
      const local = validate?.(values) ?? [];
      setLocalErrors(local);
      if (local.length) return;
      mutation.mutate(values);
    };
  }

  return { values, set, fieldError, unmatched, onSubmit, mutation, hasLocalErrors: localErrors.length > 0 };
}

/** `''` → undefined, so optional fields are left out of the request body. */
export function opt(value: string | boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

/** `''` → undefined; otherwise a number (NaN is sent as null and the API reports it). */
export function num(value: string | boolean): number | undefined {
  const t = opt(value);
  return t === undefined ? undefined : Number(t);
}
