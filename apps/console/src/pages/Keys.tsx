import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, type NewApiKey, type Role } from '../api';
import { useMe } from '../auth';
import { ConfirmButton } from '../components/ConfirmButton';
import { SelectField, TextField } from '../components/Field';
import { SecretOnce } from '../components/SecretOnce';
import { Empty, ErrorMessage, QueryView } from '../components/Status';
import { formatInstant, humanize } from '../format';

const ROLES: Role[] = ['viewer', 'editor', 'admin'];
const QK = ['keys'];

export function Keys() {
  const me = useMe();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: QK, queryFn: api.keys });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const create = useMutation({
    mutationFn: api.createKey,
    onSuccess: (k) => {
      setCreated(k);
      setName('');
      void queryClient.invalidateQueries({ queryKey: QK });
    },
  });
  const revoke = useMutation({ mutationFn: api.revokeKey, onSuccess: () => void queryClient.invalidateQueries({ queryKey: QK }) });
  const details = create.error instanceof ApiError ? create.error.details : [];
  const err = (p: string) => details.filter((d) => d.path === p).map((d) => d.message).join(' ') || undefined;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    create.mutate({ name: name.trim(), role });
  }

  return (
    <section>
      <h1>API keys</h1>
      <form className="card inline-form" onSubmit={onSubmit} aria-label="Create an API key" data-testid="create-key-form" noValidate>
        <TextField label="Name" name="name" value={name} onChange={setName} error={err('name')} placeholder="Mission desk — Mali" required />
        <SelectField label="Role" name="role" value={role} onChange={(v) => setRole(v as Role)} error={err('role')} options={ROLES.map((r) => ({ value: r, label: humanize(r) }))} />
        <button type="submit" disabled={create.isPending} data-testid="create-key">
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </form>
      {create.isError && <ErrorMessage error={create.error} title="Key not created" />}
      {created && <SecretOnce label={`API key “${created.name}” (${created.role})`} value={created.key} testId="new-api-key" onDismiss={() => setCreated(null)} />}
      {revoke.isError && <ErrorMessage error={revoke.error} title="Not revoked" />}
      <QueryView query={list} label="Loading keys…">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No key.</Empty>
          ) : (
            <table className="data-table" data-testid="keys-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Id</th>
                  <th scope="col">Role</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col"><span className="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((k) => (
                  <tr key={k.id} data-testid={`key-${k.id}`}>
                    <td>{k.name}</td>
                    <td><code>{k.id}</code></td>
                    <td>{humanize(k.role)}</td>
                    <td>{formatInstant(k.createdAt)}</td>
                    <td>{formatInstant(k.lastUsedAt)}</td>
                    <td>
                      {k.id === me.id ? (
                        <span className="sub">Your key</span>
                      ) : (
                        <ConfirmButton label="Revoke" confirmLabel={`Revoke ${k.name}`} onConfirm={() => revoke.mutate(k.id)} busy={revoke.isPending} testId="revoke-key" />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </section>
  );
}
