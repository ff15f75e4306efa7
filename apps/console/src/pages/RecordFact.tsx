import { Link, useSearchParams } from 'react-router';
import { DecisionForm } from './record/DecisionForm';
import { ExtensionForm } from './record/ExtensionForm';
import { MandateForm } from './record/MandateForm';
import { MeetingForm } from './record/MeetingForm';
import { TerminationForm } from './record/TerminationForm';

const KINDS = [
  { id: 'meeting', label: 'Meeting' },
  { id: 'decision', label: 'Decision' },
  { id: 'mandate', label: 'New mandate' },
  { id: 'extension', label: 'Extension' },
  { id: 'termination', label: 'Termination' },
] as const;

export function RecordFact() {
  const [params] = useSearchParams();
  const kind = KINDS.find((k) => k.id === params.get('kind'))?.id ?? 'meeting';
  const mandate = params.get('mandate') ?? '';
  return (
    <section>
      <h1>Record a fact</h1>
      <p className="lead">Each form appends an event to the log. Fields marked * are required.</p>
      <nav aria-label="Kind of fact" className="tabs">
        <ul>
          {KINDS.map((k) => (
            <li key={k.id}>
              <Link
                to={`/record?kind=${k.id}${mandate && (k.id === 'extension' || k.id === 'termination') ? `&mandate=${encodeURIComponent(mandate)}` : ''}`}
                aria-current={kind === k.id ? 'page' : undefined}
                data-testid={`record-tab-${k.id}`}
              >
                {k.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {kind === 'meeting' && <MeetingForm />}
      {kind === 'decision' && <DecisionForm />}
      {kind === 'mandate' && <MandateForm />}
      {kind === 'extension' && <ExtensionForm key={mandate} mandate={mandate} />}
      {kind === 'termination' && <TerminationForm key={mandate} mandate={mandate} />}
    </section>
  );
}
