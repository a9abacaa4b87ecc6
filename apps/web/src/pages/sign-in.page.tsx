import { ApiError, unwrap } from '@gennaker/api-client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, storedToken, storeToken } from '../api/client';
import { Logo, ThemeToggle } from '../components/layout';

const NEXT_KEY = 'gennaker.next';

/** Only paths of this UI: never an open redirect. */
const safeNext = (next: string | null): string => (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/applications');

/**
 * Sign-in with an API token (the admin token, one made with POST /api/v1/tokens), or with OIDC when
 * the API offers it (GET /api/v1/auth): the provider sends the browser back here with a session
 * token in the URL fragment, which is kept like any other token. A token is checked before it is kept.
 */
export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next') ?? sessionStorage.getItem(NEXT_KEY));
  const auth = useQuery({ queryKey: ['auth-info'], queryFn: () => unwrap(api.GET('/api/v1/auth')), retry: false });

  const tryToken = async (candidate: string | null): Promise<void> => {
    setBusy(true);
    setError(null);
    const previous = storedToken();
    storeToken(candidate);
    try {
      await unwrap(api.GET('/api/v1/applications'));
      sessionStorage.removeItem(NEXT_KEY);
      void navigate(next, { replace: true });
    } catch (err) {
      storeToken(previous);
      setError(err instanceof ApiError && err.status === 401 ? (candidate ? 'The API did not accept this token.' : 'This install needs a token.') : `Could not reach the API: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  // Back from the OIDC provider: /sign-in#token=<session token>. The fragment is removed at once.
  useEffect(() => {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const fromProvider = fragment.get('token');
    if (fromProvider) {
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      void tryToken(fromProvider);
    }
    // Once, on arrival.
  }, []);

  return (
    <main id="main" className="sign-in">
      <div className="card narrow">
        <div className="row between">
          <h1>
            <Logo /> Gennaker
          </h1>
          <ThemeToggle />
        </div>
        {auth.data?.oidc && auth.data.loginUrl && (
          <>
            <a className="button primary wide" href={auth.data.loginUrl} onClick={() => sessionStorage.setItem(NEXT_KEY, next)}>
              Sign in with single sign-on
            </a>
            <p className="muted small center">or with an API token</p>
          </>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void tryToken(token.trim());
          }}
        >
          <label htmlFor="token">API token</label>
          <input id="token" name="token" type="password" autoComplete="current-password" required value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
          <p className="muted small">The demo prints its admin token when it starts.</p>
          {error && (
            <p className="error-box" role="alert">
              {error}
            </p>
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
              Sign in
            </button>
            {auth.data && !auth.data.authRequired && (
              <button type="button" disabled={busy} onClick={() => void tryToken(null)}>
                Continue without a token
              </button>
            )}
          </div>
        </form>
      </div>
    </main>
  );
}
