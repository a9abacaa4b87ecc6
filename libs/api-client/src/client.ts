import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/schema';

export type GennakerClient = Client<paths>;
export type Schemas = components['schemas'];
export type Execution = Schemas['Execution'];
export type Stage = Schemas['Stage'];
export type ExecutionSummary = Schemas['ExecutionSummary'];
export type StoredPipeline = Schemas['StoredPipeline'];
export type Application = Schemas['Application'];
export type ApiErrorBody = Schemas['Error'];

/** A typed client of the Gennaker API (generated from its OpenAPI document), for the UI and CLI. */
export function createGennakerClient(options: { baseUrl: string; token?: string; fetch?: typeof fetch }): GennakerClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/$/, ''), fetch: options.fetch });
  if (options.token) {
    const token = options.token;
    client.use({
      onRequest({ request }) {
        request.headers.set('Authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

/** An error answer of the API, with its code and the pointers of the fields at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
  ) {
    super(body?.error?.message ?? `HTTP ${status}`);
  }

  get details(): Array<{ pointer: string; message: string }> {
    return this.body?.error?.details ?? [];
  }
}

/** Returns the data of a call, or throws ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ApiError(response.status, error as ApiErrorBody | undefined);
  return data as T;
}
