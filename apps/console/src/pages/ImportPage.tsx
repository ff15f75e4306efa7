import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, IMPORT_FORMATS, type ImportFormat, type ImportResult } from '../api';
import { SelectField, TextArea } from '../components/Field';
import { ImportResultView } from '../components/ImportResultView';
import { Empty, ErrorMessage, QueryView, Success } from '../components/Status';
import { formatInstant } from '../format';

type Doc = { text?: string; file?: File };
type Preview = { doc: Doc; format: ImportFormat; result: ImportResult };

const FORMAT_LABELS: Record<ImportFormat, string> = {
  auto: 'Detect automatically',
  repertoire: 'Repertoire of the Practice',
  'press-release': 'Press release',
  pdf: 'PDF',
  csv: 'CSV',
};

export function ImportPage() {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<ImportFormat>('auto');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [committed, setCommitted] = useState<ImportResult | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const dryRun = useMutation({
    mutationFn: (p: { doc: Doc; format: ImportFormat }) => api.importDocument(p.doc, { dryRun: true, format: p.format }),
    onSuccess: (result, p) => {
      setPreview({ ...p, result });
      setCommitted(null);
    },
  });
  const commit = useMutation({
    mutationFn: (p: Preview) => api.importDocument(p.doc, { dryRun: false, format: p.format }),
    onSuccess: (result) => {
      setCommitted(result);
      setPreview(null);
      void queryClient.invalidateQueries();
    },
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!file && !text.trim()) {
      setFormError('Paste the document text or choose a file.');
      return;
    }
    setFormError(null);
    commit.reset();
    dryRun.mutate({ doc: file ? { file } : { text }, format });
  }

  return (
    <section>
      <h1>Import a document</h1>
      <p className="lead">
        Paste a Repertoire excerpt, a press release or CSV, or upload a file. A dry run shows what would be recorded; nothing is written until you commit.
      </p>
      <form className="card import-form" onSubmit={onSubmit} aria-label="Import document" data-testid="import-form">
        <TextArea label="Document text" name="text" rows={8} value={text} onChange={setText} error={formError ?? undefined} hint={file ? 'A file is selected: it is imported instead of this text.' : undefined} />
        <div className="field">
          <label htmlFor="import-file">Or upload a file</label>
          <input
            id="import-file"
            ref={fileInput}
            type="file"
            accept=".txt,.csv,.pdf,text/plain,text/csv,application/pdf"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="import-file"
          />
          {file && (
            <button
              type="button"
              className="secondary small"
              onClick={() => {
                setFile(null);
                if (fileInput.current) fileInput.current.value = '';
              }}
            >
              Remove file
            </button>
          )}
        </div>
        <SelectField label="Format" name="format" value={format} onChange={(v) => setFormat(v as ImportFormat)} options={IMPORT_FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] }))} />
        <button type="submit" disabled={dryRun.isPending} data-testid="dry-run">
          {dryRun.isPending ? 'Analysing…' : 'Dry run'}
        </button>
      </form>

      {dryRun.isError && <ErrorMessage error={dryRun.error} title="Dry run failed" />}
      {committed && (
        <Success>
          Imported: {committed.appended} event{committed.appended === 1 ? '' : 's'} appended, {committed.duplicates} already known.{' '}
          <Link to={`/imports/${encodeURIComponent(committed.id)}`}>View import {committed.id}</Link>
        </Success>
      )}
      {preview && (
        <section aria-labelledby="preview-h" className="preview">
          <div className="preview-head">
            <h2 id="preview-h">Dry run</h2>
            <button type="button" onClick={() => commit.mutate(preview)} disabled={commit.isPending || preview.result.events.length === 0} data-testid="commit-import">
              {commit.isPending ? 'Committing…' : `Commit ${preview.result.events.length} event${preview.result.events.length === 1 ? '' : 's'}`}
            </button>
          </div>
          {commit.isError && <ErrorMessage error={commit.error} title="Commit failed" />}
          <ImportResultView result={preview.result} />
        </section>
      )}
      {committed && <ImportResultView result={committed} />}
      <PastImports />
    </section>
  );
}

function PastImports() {
  const list = useQuery({ queryKey: ['imports'], queryFn: () => api.imports({ limit: 50 }) });
  return (
    <section aria-labelledby="past-h">
      <h2 id="past-h">Recent imports</h2>
      <QueryView query={list} label="Loading imports…">
        {(data) =>
          data.items.length === 0 ? (
            <Empty>No import yet.</Empty>
          ) : (
            <table className="data-table" data-testid="imports-table">
              <thead>
                <tr>
                  <th scope="col">Import</th>
                  <th scope="col">Format</th>
                  <th scope="col">When</th>
                  <th scope="col">Appended</th>
                  <th scope="col">Duplicates</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((imp) => (
                  <tr key={imp.id}>
                    <td>
                      <Link to={`/imports/${encodeURIComponent(imp.id)}`}>{imp.id}</Link>
                    </td>
                    <td>{imp.format}</td>
                    <td>{formatInstant(imp.createdAt ?? imp.recordedAt)}</td>
                    <td>{imp.appended ?? '—'}</td>
                    <td>{imp.duplicates ?? '—'}</td>
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

export function ImportDetail() {
  const { id = '' } = useParams();
  const imp = useQuery({ queryKey: ['import', id], queryFn: () => api.importById(id) });
  return (
    <section>
      <p className="breadcrumb">
        <Link to="/import">Import</Link> / {id}
      </p>
      <h1>Import {id}</h1>
      <QueryView query={imp} label="Loading import…">
        {(result) => <ImportResultView result={result} />}
      </QueryView>
    </section>
  );
}
