import { unwrap } from '@gennaker/api-client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { api, storedToken, storeToken } from '../api/client';

type Theme = 'light' | 'dark';

function currentTheme(): Theme {
  return document.documentElement.dataset['theme'] === 'dark' ? 'dark' : 'light';
}

/** A gennaker: the big light-wind sail. */
export function Logo() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" className="logo">
      <path d="M11 2 L11 19 L3 19 Z" fill="currentColor" opacity="0.85" />
      <path d="M12.5 3 C18 6 21 12 20 19 L12.5 19 Z" fill="var(--accent)" />
      <path d="M2 20.5 H22 L19.5 23 H4.5 Z" fill="currentColor" />
    </svg>
  );
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(currentTheme);
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="ghost"
      aria-label={`Switch to the ${next} theme`}
      onClick={() => {
        document.documentElement.dataset['theme'] = next;
        localStorage.setItem('gennaker.theme', next);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}

export function Layout() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const signedIn = storedToken() !== null;
  const me = useQuery({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/api/v1/me')), staleTime: 300_000, retry: false });
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/applications" className="brand">
          <Logo /> Gennaker
        </Link>
        <nav aria-label="Main">
          <NavLink to="/applications">Applications</NavLink>
          <NavLink to="/deliveries">Trigger deliveries</NavLink>
        </nav>
        <div className="spacer" />
        {me.data && (
          <span className="muted small" title={me.data.roles.length > 0 ? `roles: ${me.data.roles.join(', ')}` : undefined}>
            {me.data.name}
            {me.data.admin ? ' (admin)' : ''}
          </span>
        )}
        <ThemeToggle />
        {signedIn && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              storeToken(null);
              // Nothing read with the old token stays on screen.
              qc.clear();
              void navigate('/sign-in');
            }}
          >
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
