import { NavLink, Outlet } from 'react-router';
import { useAuth, useCan, useMe } from '../auth';
import { ClockStatus } from './ClockStatus';

function NavItem({ to, children, end }: { to: string; children: string; end?: boolean }) {
  return (
    <li>
      <NavLink to={to} end={end} data-testid={`nav-${to.replace(/^\//, '') || 'deadlines'}`}>
        {children}
      </NavLink>
    </li>
  );
}

export function Layout() {
  const me = useMe();
  const { signOut } = useAuth();
  const canEdit = useCan('editor');
  const isAdmin = useCan('admin');
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">Mandate Watch</div>
        <nav aria-label="Main">
          <ul>
            <NavItem to="/" end>
              Deadlines
            </NavItem>
            <NavItem to="/mandates">Mandates</NavItem>
            <NavItem to="/events">Event log</NavItem>
            {canEdit && <NavItem to="/import">Import</NavItem>}
            {canEdit && <NavItem to="/record">Record a fact</NavItem>}
            {canEdit && <NavItem to="/subscriptions">Subscriptions</NavItem>}
            {canEdit && <NavItem to="/deliveries">Deliveries</NavItem>}
            {isAdmin && <NavItem to="/keys">API keys</NavItem>}
            <NavItem to="/clock">Clock</NavItem>
          </ul>
        </nav>
        <div className="user" data-testid="current-user">
          <span>
            {me.name} <span className="role" data-testid="current-role">({me.role})</span>
          </span>
          <button type="button" className="secondary small" onClick={() => signOut()} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </header>
      <ClockStatus />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
