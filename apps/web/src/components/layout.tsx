import { useState } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { storedToken, storeToken } from '../api/client';

type Theme = 'light' | 'dark';

function currentTheme(): Theme {
  return document.documentElement.dataset['theme'] === 'dark' ? 'dark' : 'light';
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
  const signedIn = storedToken() !== null;
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/applications" className="brand">
          ⛵ Gennaker
        </Link>
        <nav aria-label="Main">
          <NavLink to="/applications">Applications</NavLink>
          <NavLink to="/deliveries">Trigger deliveries</NavLink>
        </nav>
        <div className="spacer" />
        <ThemeToggle />
        {signedIn && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              storeToken(null);
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
