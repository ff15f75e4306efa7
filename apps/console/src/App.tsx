import type { ReactNode } from 'react';
import { Link, Route, Routes } from 'react-router';
import type { Role } from './api';
import { useAuth, useCan } from './auth';
import { Layout } from './components/Layout';
import { Loading } from './components/Status';
import { ClockPage } from './pages/ClockPage';
import { Deadlines } from './pages/Deadlines';
import { Deliveries } from './pages/Deliveries';
import { EventLog } from './pages/EventLog';
import { ImportDetail, ImportPage } from './pages/ImportPage';
import { Keys } from './pages/Keys';
import { MandatePage } from './pages/MandatePage';
import { Mandates } from './pages/Mandates';
import { RecordFact } from './pages/RecordFact';
import { SignIn } from './pages/SignIn';
import { Subscriptions } from './pages/Subscriptions';

function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const allowed = useCan(role);
  if (allowed) return <>{children}</>;
  return (
    <section data-testid="forbidden">
      <h1>Not available</h1>
      <p>This page needs the {role} role. Ask an administrator for a key with that role.</p>
    </section>
  );
}

function NotFound() {
  return (
    <section data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the deadlines</Link>
      </p>
    </section>
  );
}

export function App() {
  const { state } = useAuth();
  if (state.status === 'checking') {
    return (
      <main id="main" className="sign-in">
        <Loading label="Checking your API key…" />
      </main>
    );
  }
  if (state.status === 'signed-out') return <SignIn notice={state.notice} />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Deadlines />} />
        <Route path="mandates" element={<Mandates />} />
        <Route path="mandates/:id" element={<MandatePage />} />
        <Route path="events" element={<EventLog />} />
        <Route path="import" element={<RequireRole role="editor"><ImportPage /></RequireRole>} />
        <Route path="imports/:id" element={<RequireRole role="editor"><ImportDetail /></RequireRole>} />
        <Route path="record" element={<RequireRole role="editor"><RecordFact /></RequireRole>} />
        <Route path="subscriptions" element={<RequireRole role="editor"><Subscriptions /></RequireRole>} />
        <Route path="deliveries" element={<RequireRole role="editor"><Deliveries /></RequireRole>} />
        <Route path="keys" element={<RequireRole role="admin"><Keys /></RequireRole>} />
        <Route path="clock" element={<ClockPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
