import { ApiError, unwrap } from '@gennaker/api-client';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, storedToken, storeToken } from '../api/client';
import { Logo, ThemeToggle } from '../components/layout';

/**
 * Sign-in with an API token (an admin token or one made with POST /api/v1/tokens). The token is
 * checked against the API before it is kept. OIDC will add a button here when the API offers it.
 */
export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get('next') ?? '/applications';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const previous = storedToken();
    storeToken(token.trim());
    try {
      await unwrap(api.GET('/api/v1/applications'));
      void navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/applications', { replace: true });
    } catch (err) {
      storeToken(previous);
      setError(err instanceof ApiError && err.status === 401 ? 'The API did not accept this token.' : `Could not reach the API: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <div className="card narrow">
        <div className="row between">
          <h1>
            <Logo /> Gennaker
          </h1>
          <ThemeToggle />
        </div>
        <form onSubmit={(e) => void submit(e)}>
          <label htmlFor="token">API token</label>
          <input id="token" name="token" type="password" autoComplete="current-password" required value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
          <p className="muted small">The demo prints its admin token when it starts.</p>
          {error && (
            <p className="error-box" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
