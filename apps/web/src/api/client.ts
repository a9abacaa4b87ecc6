import { ApiError, createGennakerClient, type paths } from '@gennaker/api-client';
import type { Client as FetchClient } from 'openapi-fetch';
import type { PendingPaths } from './pending-paths';

/** Generated paths first; API.md paths still being built fill the gaps (see pending-paths.ts). */
export type ApiPaths = paths & Omit<PendingPaths, keyof paths>;
type Client = FetchClient<ApiPaths>;

const TOKEN_KEY = 'gennaker.token';

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** Called when the API answers 401: the app goes to the sign-in page. */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

function makeClient(): Client {
  // Same origin: the web server (or Vite in development) proxies /api to the API.
  const client = createGennakerClient({ baseUrl: window.location.origin }) as unknown as Client;
  client.use({
    onRequest({ request }) {
      // Read per request: signing in or out needs no new client.
      const token = storedToken();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}

export const api: Client = makeClient();

/** A message for a failed call: the API's message and each field at fault. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const details = err.details.map((d) => `${d.pointer || '/'}: ${d.message}`);
    return details.length > 0 ? `${err.message} (${details.join('; ')})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The URL of an execution's server-sent events (EventSource cannot send headers: ?access_token=). */
export function executionEventsUrl(id: string): string {
  const path: keyof ApiPaths = '/api/v1/executions/{id}/events';
  const url = new URL(path.replace('{id}', encodeURIComponent(id)), window.location.origin);
  const token = storedToken();
  if (token) url.searchParams.set('access_token', token);
  return url.toString();
}
