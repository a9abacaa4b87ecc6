import type { ApplicationPermission } from '@gennaker/auth-policy';

/** Where a route's application is: a path parameter, a body field, a query parameter, or the owner of a pipeline or execution id. */
export type AppLocator = { param: string } | { body: string } | { query: string } | { pipelineParam: string } | { executionParam: string };

export interface AuditSpec {
  /** e.g. `pipeline.delete`; `pipeline.save` becomes pipeline.create (201) or pipeline.update (200). */
  action: string;
  resourceType: string;
}

/**
 * How one route is protected. `auth`: `public` (no token: health, documents, webhooks verified by
 * their signature, sign-in), `signedIn` (any principal, anonymous too while authentication is not
 * required), `admin`, or `app` (a permission on the application found by `app`).
 */
export interface RoutePolicy {
  auth: 'public' | 'signedIn' | 'admin' | 'app';
  app?: AppLocator;
  /** Default READ. */
  permission?: ApplicationPermission;
  /** WRITE on the accounts named by the pipeline's stages, or by the orchestration's job. */
  accounts?: 'pipeline' | 'job';
  /** judgment: requiredJudgmentRoles of the stage; runAs: triggers' runAsUser must be a service account the caller may use. */
  check?: 'judgment' | 'runAs';
  /** List answers keep only what the caller may read. */
  filter?: 'applications' | 'executions' | 'deliveries' | 'delivery' | 'accounts' | 'clusters';
  /** Mask secret-keyed values (stage headers, passwords) in the answer. */
  redact?: boolean;
  audit?: AuditSpec;
  /** Requests per minute and client address, for sign-in and webhooks. */
  rateLimit?: 'signin' | 'webhook';
}

const app = (param = 'app') => ({ param });
const READ = 'READ' as const;
const WRITE = 'WRITE' as const;
const EXECUTE = 'EXECUTE' as const;
const execution = { executionParam: 'id' };
const pipeline = { pipelineParam: 'id' };

/**
 * Every route of the API and who may call it. A route missing here gets a cautious default
 * (`defaultPolicy`) and fails the route-coverage spec, so a new endpoint is a one-line addition
 * here, not an edit of its controller.
 */
export const ROUTE_POLICIES: Record<string, RoutePolicy> = {
  // Open: health, documents, sign-in, webhooks (verified by their signatures).
  'GET /api/v1/health': { auth: 'public' },
  'GET /api/v1/openapi.json': { auth: 'public' },
  'GET /api/docs': { auth: 'public' },
  'GET /api/v1/schemas/pipeline.json': { auth: 'public' },
  'POST /webhooks/git/:source': { auth: 'public', rateLimit: 'webhook' },
  'GET /api/v1/auth': { auth: 'public' },
  'GET /api/v1/auth/oidc/login': { auth: 'public', rateLimit: 'signin' },
  'GET /api/v1/auth/oidc/callback': { auth: 'public', rateLimit: 'signin' },

  // Who am I; tokens; audit.
  'GET /api/v1/me': { auth: 'signedIn' },
  'POST /api/v1/tokens': { auth: 'admin', audit: { action: 'token.create', resourceType: 'token' } },
  'GET /api/v1/tokens': { auth: 'admin' },
  'GET /api/v1/tokens/:id': { auth: 'admin' },
  'DELETE /api/v1/tokens/:id': { auth: 'admin', audit: { action: 'token.revoke', resourceType: 'token' } },
  // Admins see every event; others those of the applications they may read (the controller filters).
  'GET /api/v1/audit': { auth: 'signedIn' },

  // Applications.
  'GET /api/v1/applications': { auth: 'signedIn', filter: 'applications' },
  'POST /api/v1/applications': { auth: 'signedIn', audit: { action: 'application.create', resourceType: 'application' } },
  'GET /api/v1/applications/:app': { auth: 'app', app: app(), permission: READ },
  'PUT /api/v1/applications/:app': { auth: 'app', app: app(), permission: WRITE, audit: { action: 'application.update', resourceType: 'application' } },
  'DELETE /api/v1/applications/:app': { auth: 'app', app: app(), permission: WRITE, audit: { action: 'application.delete', resourceType: 'application' } },
  'GET /api/v1/applications/:app/pipelines': { auth: 'app', app: app(), permission: READ, redact: true },
  'POST /api/v1/applications/:app/pipelines/sync': { auth: 'app', app: app(), permission: WRITE, check: 'runAs', audit: { action: 'pipeline.sync', resourceType: 'application' } },
  'POST /api/v1/applications/:app/pipelines-repo/sync': { auth: 'app', app: app(), permission: WRITE, audit: { action: 'pipeline.repo-sync', resourceType: 'application' } },
  'GET /api/v1/applications/:app/clusters': { auth: 'app', app: app(), permission: READ, filter: 'clusters' },
  'POST /api/v1/applications/:app/tasks': { auth: 'app', app: app(), permission: EXECUTE, accounts: 'job' },
  'GET /api/v1/accounts': { auth: 'signedIn', filter: 'accounts' },

  // Pipelines.
  'POST /api/v1/pipelines': { auth: 'app', app: { body: 'application' }, permission: WRITE, check: 'runAs', redact: true, audit: { action: 'pipeline.save', resourceType: 'pipeline' } },
  'POST /api/v1/pipelines/validate': { auth: 'signedIn' },
  'GET /api/v1/pipelines/:id': { auth: 'app', app: pipeline, permission: READ, redact: true },
  'DELETE /api/v1/pipelines/:id': { auth: 'app', app: pipeline, permission: WRITE, audit: { action: 'pipeline.delete', resourceType: 'pipeline' } },
  'GET /api/v1/pipelines/:id/history': { auth: 'app', app: pipeline, permission: READ, redact: true },
  'POST /api/v1/pipelines/:id/history/:version/restore': { auth: 'app', app: pipeline, permission: WRITE, redact: true, audit: { action: 'pipeline.restore', resourceType: 'pipeline' } },
  'GET /api/v1/stage-types': { auth: 'signedIn' },

  // Executions (starts are audited where every start path passes: the execution authorizer).
  'POST /api/v1/pipelines/:id/executions': { auth: 'app', app: pipeline, permission: EXECUTE, accounts: 'pipeline' },
  'GET /api/v1/executions': { auth: 'signedIn', app: { query: 'application' }, permission: READ, filter: 'executions' },
  'GET /api/v1/executions/:id': { auth: 'app', app: execution, permission: READ },
  'GET /api/v1/executions/:id/events': { auth: 'app', app: execution, permission: READ },
  'PUT /api/v1/executions/:id/cancel': { auth: 'app', app: execution, permission: EXECUTE, audit: { action: 'execution.cancel', resourceType: 'execution' } },
  'PUT /api/v1/executions/:id/pause': { auth: 'app', app: execution, permission: EXECUTE, audit: { action: 'execution.pause', resourceType: 'execution' } },
  'PUT /api/v1/executions/:id/resume': { auth: 'app', app: execution, permission: EXECUTE, audit: { action: 'execution.resume', resourceType: 'execution' } },
  'PUT /api/v1/executions/:id/stages/:stageId/restart': { auth: 'app', app: execution, permission: EXECUTE, audit: { action: 'stage.restart', resourceType: 'stage' } },
  'PUT /api/v1/executions/:id/stages/:stageId/skip': { auth: 'app', app: execution, permission: EXECUTE, audit: { action: 'stage.skip', resourceType: 'stage' } },
  'PATCH /api/v1/executions/:id/stages/:stageId': { auth: 'app', app: execution, permission: EXECUTE, check: 'judgment', audit: { action: 'stage.judge', resourceType: 'stage' } },

  // Triggers.
  'GET /api/v1/trigger-deliveries': { auth: 'signedIn', app: { query: 'application' }, permission: READ, filter: 'deliveries' },
  'GET /api/v1/trigger-deliveries/:id': { auth: 'signedIn', filter: 'delivery' },

  // Operations: the queue dashboard (bull-board) is for admins.
  'ALL /admin/queues': { auth: 'admin' },
  'ALL /admin/queues/*path': { auth: 'admin' },

  // Canary (issue 5): configs and results are shared; a judgment is pure computation.
  'GET /api/v1/canary/configs': { auth: 'signedIn', app: { query: 'application' }, permission: READ },
  'POST /api/v1/canary/configs': { auth: 'signedIn' },
  'GET /api/v1/canary/configs/:id': { auth: 'signedIn' },
  'POST /api/v1/canary/judge': { auth: 'signedIn' },
  'GET /api/v1/canary/results/:id': { auth: 'signedIn' },
};

/**
 * For a route not in the table: a permission on the application when the path names one, reading
 * for any signed-in caller otherwise, and admins only for any other change.
 */
export function defaultPolicy(method: string, path: string): RoutePolicy {
  const read = method === 'GET' || method === 'HEAD';
  const permission = read ? READ : WRITE;
  if (/\/applications\/:app(\/|$)/.test(path)) return { auth: 'app', app: app(), permission };
  if (/\/executions\/:id(\/|$)/.test(path)) return { auth: 'app', app: execution, permission: read ? READ : EXECUTE };
  if (/\/pipelines\/:id(\/|$)/.test(path)) return { auth: 'app', app: pipeline, permission };
  return read ? { auth: 'signedIn' } : { auth: 'admin' };
}

export function policyOf(key: string): { policy: RoutePolicy; declared: boolean } {
  const declared = ROUTE_POLICIES[key];
  if (declared) return { policy: declared, declared: true };
  const [method = 'GET', path = '/'] = key.split(' ');
  return { policy: defaultPolicy(method, path), declared: false };
}
