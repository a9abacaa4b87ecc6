import 'reflect-metadata';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { describe, expect, it } from 'vitest';
import { ApiModule } from '../app.module';
import { routesOf } from './route-key.util';
import { defaultPolicy, policyOf, ROUTE_POLICIES } from './route-policies';

const controllers = (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, ApiModule) ?? []) as Array<new (...args: never[]) => unknown>;
const routes = routesOf(controllers);

describe('route-policy table', () => {
  it('finds the routes of the api (sanity: the discovery itself works)', () => {
    expect(routes).toContain('GET /api/v1/applications/:app');
    expect(routes).toContain('PATCH /api/v1/executions/:id/stages/:stageId');
    expect(routes.length).toBeGreaterThan(30);
  });

  // Fails when someone adds an endpoint without saying who may call it.
  it('has an explicit policy for every route registered in the api', () => {
    expect(routes.filter((r) => !(r in ROUTE_POLICIES))).toEqual([]);
  });

  it('keeps public routes to health, documents, sign-in and signature-verified webhooks', () => {
    const open = Object.entries(ROUTE_POLICIES).filter(([, p]) => p.auth === 'public').map(([k]) => k);
    for (const k of open) expect(k).toMatch(/^GET \/api\/v1\/(health|openapi\.json|schemas\/|auth)|^GET \/api\/docs$|^POST \/webhooks\//);
  });

  it('names how to find the application of every application-scoped route', () => {
    for (const [k, p] of Object.entries(ROUTE_POLICIES)) if (p.auth === 'app') expect(p.app, k).toBeDefined();
  });

  it('defaults a route missing from the table to a cautious policy', () => {
    expect(defaultPolicy('POST', '/api/v1/applications/:app/things')).toEqual({ auth: 'app', app: { param: 'app' }, permission: 'WRITE' });
    expect(defaultPolicy('GET', '/api/v1/executions/:id/things')).toMatchObject({ auth: 'app', permission: 'READ' });
    expect(defaultPolicy('DELETE', '/api/v1/things/:id')).toEqual({ auth: 'admin' });
    expect(defaultPolicy('GET', '/api/v1/things')).toEqual({ auth: 'signedIn' });
    expect(policyOf('DELETE /api/v1/nothing').declared).toBe(false);
  });
});
